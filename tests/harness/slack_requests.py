"""Signed requests to the real server, shaped the way Slack sends them (see ../shared/SLACK.md).

The signature is computed here with hmac directly, independently of the Bolt code that checks it.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.harness.fake_slack import TEAM_ID, check_blocks, check_view

SIGNING_SECRET = "test-signing-secret"
USER_ID = "U0ALICE01"
CHANNEL_ID = "C0PROJECTS"
API_APP_ID = "A0LITE001"


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Answer:
    status: int
    text: str
    headers: dict[str, str]

    @property
    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


class SlackRequests:
    """Sends what Slack would send to `POST /slack/events`, signed; checks Block Kit in answers."""

    def __init__(self, events_url: str, *, secret: str = SIGNING_SECRET) -> None:
        self.events_url = events_url
        self.secret = secret
        self._triggers = itertools.count(1)
        self._events = itertools.count(1)
        self.response_url_base = ""

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        timestamp = int(time.time()) if timestamp is None else timestamp
        sent_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature if signature is not None else sign(body, timestamp, self.secret),
            **(headers or {}),
        }
        async with aiohttp.ClientSession() as session:
            async with session.post(self.events_url, data=body.encode(), headers=sent_headers) as response:
                answer = Answer(response.status, await response.text(), dict(response.headers))
        self._check_answer(answer)
        return answer

    @staticmethod
    def _check_answer(answer: Answer) -> None:
        if not answer.text.startswith("{"):
            return
        payload = answer.json
        if "blocks" in payload:
            problem = check_blocks(payload["blocks"])
            assert problem is None, f"the ack carries invalid blocks: {problem}"
        if "view" in payload:
            problem = check_view(payload["view"])
            assert problem is None, f"the ack carries an invalid view: {problem}"

    # --- slash commands -------------------------------------------------------------------------

    def command_body(
        self, text: str, *, user_id: str = USER_ID, channel_id: str = CHANNEL_ID, team_id: str = TEAM_ID
    ) -> str:
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": team_id,
                "team_domain": "lite-test",
                "channel_id": channel_id,
                "channel_name": "projects",
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": "/liteproject",
                "text": text,
                "api_app_id": API_APP_ID,
                "is_enterprise_install": "false",
                "response_url": f"{self.response_url_base}/commands/{team_id}/{next(self._triggers)}",
                "trigger_id": self.trigger_id(),
            }
        )

    async def command(self, text: str, **kwargs: Any) -> Answer:
        return await self.post(self.command_body(text, **kwargs), "application/x-www-form-urlencoded")

    # --- interactivity ------------------------------------------------------------------------

    def trigger_id(self) -> str:
        return f"{next(self._triggers)}.111.trigger"

    async def interactive(self, payload: dict[str, Any]) -> Answer:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def block_action(
        self,
        action_id: str,
        *,
        value: str | None = None,
        selected_option: dict[str, Any] | None = None,
        block_id: str = "actions",
        user_id: str = USER_ID,
        team_id: str = TEAM_ID,
        channel_id: str = CHANNEL_ID,
        view: dict[str, Any] | None = None,
        message_ts: str = "1700000000.000100",
    ) -> Answer:
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "action_ts": "1.2",
        }
        if value is not None:
            action["value"] = value
        if selected_option is not None:
            action["selected_option"] = selected_option
            action["type"] = "static_select"
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": team_id, "domain": "lite-test"},
            "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
            "api_app_id": API_APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": self.trigger_id(),
            "actions": [action],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
            payload["view"] = view
        else:
            payload["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel_id}
            payload["channel"] = {"id": channel_id, "name": "projects"}
            payload["message"] = {"ts": message_ts, "text": "", "blocks": []}
            payload["response_url"] = f"{self.response_url_base}/actions/{team_id}/{next(self._triggers)}"
        return await self.interactive(payload)

    async def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, dict[str, Any]]],
        *,
        private_metadata: str = "",
        user_id: str = USER_ID,
        team_id: str = TEAM_ID,
        view_id: str = "V00000001",
        blocks: list[dict[str, Any]] | None = None,
    ) -> Answer:
        payload = {
            "type": "view_submission",
            "team": {"id": team_id, "domain": "lite-test"},
            "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
            "api_app_id": API_APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": self.trigger_id(),
            "view": {
                "id": view_id,
                "team_id": team_id,
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "blocks": blocks or [],
                "state": {"values": values},
                "hash": "h1",
            },
            "response_urls": [],
        }
        return await self.interactive(payload)

    async def block_suggestion(
        self,
        action_id: str,
        value: str,
        *,
        block_id: str = "b",
        user_id: str = USER_ID,
        team_id: str = TEAM_ID,
    ) -> Answer:
        payload = {
            "type": "block_suggestion",
            "team": {"id": team_id, "domain": "lite-test"},
            "user": {"id": user_id, "team_id": team_id},
            "api_app_id": API_APP_ID,
            "token": "legacy-verification-token",
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "container": {"type": "view", "view_id": "V00000001"},
            "view": {"id": "V00000001", "type": "modal", "callback_id": "", "private_metadata": ""},
        }
        return await self.interactive(payload)

    # --- Events API ---------------------------------------------------------------------------

    async def event(
        self,
        event: dict[str, Any],
        *,
        team_id: str = TEAM_ID,
        retry_num: int | None = None,
        event_id: str | None = None,
    ) -> Answer:
        envelope = {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": API_APP_ID,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._events):08d}",
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": team_id, "user_id": "U0LITEBOT", "is_bot": True}],
        }
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            if retry_num
            else None
        )
        return await self.post(json.dumps(envelope), "application/json", headers=headers)

    async def url_verification(self, challenge: str) -> Answer:
        body = json.dumps({"token": "legacy", "challenge": challenge, "type": "url_verification"})
        return await self.post(body, "application/json")
