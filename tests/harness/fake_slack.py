"""A local fake of Slack's Web API: records every call, answers like Slack, fails on demand.

Every `blocks` and `view` argument is checked with slack_sdk's models; an invalid one is answered
with `invalid_blocks` (as Slack does) and recorded in `invalid`, which the fixtures assert empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

BOT_TOKEN = "xoxb-test-token"
TEAM_ID = "T0LITE001"
BOT_USER_ID = "U0LITEBOT"
BOT_ID = "B0LITEBOT"
MESSAGE_BLOCK_LIMIT = 50


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    at: float  # time.monotonic() when the fake received it
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def check_blocks(blocks: Any, *, limit: int | None = MESSAGE_BLOCK_LIMIT) -> str | None:
    """Why a `blocks` argument is invalid Block Kit, or None when it is valid."""
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not isinstance(blocks, list):
        return "blocks must be a list"
    if limit is not None and len(blocks) > limit:
        return f"{len(blocks)} blocks, over the limit of {limit}"
    for raw in blocks:
        try:
            block = Block.parse(raw)
            if block is None:
                return f"unknown block {raw!r}"
            block.validate_json()
        except (SlackObjectFormationError, KeyError, TypeError, ValueError) as exc:
            return f"invalid block {raw.get('type') if isinstance(raw, dict) else raw!r}: {exc}"
    return None


def check_view(view: Any) -> str | None:
    """Why a `view` argument is invalid, or None when it is valid."""
    if isinstance(view, str):
        view = json.loads(view)
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError) as exc:
        return f"invalid view: {exc}"
    return check_blocks(view.get("blocks", []), limit=100)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.invalid: list[tuple[str, str]] = []
        self._scripts: dict[str, deque[Scripted]] = {}
        self._ts = itertools.count(1)
        self._views = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.users: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.new_call = asyncio.Event()
        # what was posted, per channel, as Slack would keep it (for conversations.history/replies)
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.patterns: dict[str, Callable[[int], Scripted | None]] = {}
        self.delay = 0.0
        self._last_ts = 0.0
        self.members: set[str] | None = None  # channels the bot is in; None: every channel
        # bot tokens the fake accepts, each with the workspace it belongs to (multi-workspace tests)
        self.tokens: dict[str, str] = {BOT_TOKEN: TEAM_ID}
        # oauth.v2.access: the answer each install code exchanges for (see `installable`)
        self.oauth_codes: dict[str, dict[str, Any]] = {}

    # --- life cycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024**2)
        app.router.add_post("/api/{method}", self._handle)
        app.router.add_get("/api/{method}", self._handle)  # history and replies are GETs in slack_sdk
        app.router.add_post("/upload/{file_id}", self._upload)
        # response_url posts (Bolt's respond()) are recorded as the pseudo-method "respond"
        app.router.add_post("/commands/{team}/{n}", self._respond)
        app.router.add_post("/actions/{team}/{n}", self._respond)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/api/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests ask of it -----------------------------------------------------------------

    def kept_keys(self) -> list[str]:
        """The outbox key of every message kept (the dispatcher puts it in the message metadata),
        in the order posted per channel: what people saw."""
        return [
            message["metadata"]["event_payload"]["dedup_key"]
            for messages in self.messages.values()
            for message in messages
            if message.get("metadata")
        ]

    def script(self, method: str, *answers: Scripted) -> None:
        """Answer the next calls of `method` with these, in order, then as usual."""
        self._scripts.setdefault(method, deque()).extend(answers)

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        for _ in range(times):
            self.script(
                method,
                Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}),
            )

    def server_error(self, method: str, *, status: int = 503, times: int = 1) -> None:
        for _ in range(times):
            self.script(method, Scripted(status, {"ok": False, "error": "service_unavailable"}))

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        for _ in range(times):
            self.script(method, Scripted(200, {"ok": False, "error": error}))

    def pattern(self, method: str, answer: Callable[[int], Scripted | None]) -> None:
        """Answer the n-th call (1-based) of `method` with `answer(n)`, when it returns one."""
        self.patterns[method] = answer

    def add_team(self, team_id: str, token: str) -> None:
        """Accept `token` as the bot token of workspace `team_id`."""
        self.tokens[token] = team_id

    def installable(
        self,
        code: str,
        *,
        team_id: str,
        token: str,
        enterprise_id: str | None = None,
        user_id: str = "U0INSTALL",
    ) -> None:
        """Let oauth.v2.access exchange `code` for `token`, installed in `team_id` by `user_id`."""
        self.oauth_codes[code] = {
            "ok": True,
            "app_id": "A0LITE001",
            "authed_user": {"id": user_id},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": BOT_USER_ID,
            "team": {"id": team_id, "name": f"Team {team_id}"},
            "enterprise": {"id": enterprise_id, "name": f"Org {enterprise_id}"} if enterprise_id else None,
            "is_enterprise_install": False,
        }
        self.add_team(team_id, token)

    def of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until `method` has been called `count` times (work after an ack is asynchronous)."""
        deadline = time.monotonic() + timeout
        while len(self.of(method)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = sorted({call.method for call in self.calls})
                raise AssertionError(
                    f"{method} called {len(self.of(method))} times, wanted {count}; saw {seen}"
                )
            self.new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.new_call.wait(), timeout=min(remaining, 0.1))
        return self.of(method)

    # --- the API ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._read_args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.pop("token", None)
        call = Call(method, args, token, time.monotonic())
        self.calls.append(call)
        self.new_call.set()

        pattern = self.patterns.get(method)
        patterned = pattern(len(self.of(method))) if pattern else None
        script = self._scripts.get(method)
        if patterned is not None:
            call.answer = patterned.body
            return web.json_response(patterned.body, status=patterned.status, headers=patterned.headers)
        if script:
            scripted = script.popleft()
            call.answer = scripted.body
            return web.json_response(scripted.body, status=scripted.status, headers=scripted.headers)
        if method == "oauth.v2.access":  # the app authenticates with its client id and secret
            call.answer = self.oauth_codes.pop(args.get("code", ""), {"ok": False, "error": "invalid_code"})
        elif token not in self.tokens:
            call.answer = {"ok": False, "error": "invalid_auth"}
        elif (problem := self._check(method, args)) is not None:
            self.invalid.append((method, problem))
            call.answer = {"ok": False, "error": "invalid_blocks", "errors": [problem]}
        else:
            call.answer = self._answer(method, args, self.tokens[token])
        if self.delay:
            # the work is done (a message is kept) before the answer is slow to come back
            await asyncio.sleep(self.delay)
        return web.json_response(call.answer)

    async def _read_args(self, request: web.Request) -> dict[str, Any]:
        if request.method == "GET":
            return dict(request.query)
        if request.content_type == "application/json":
            return {**request.query, **dict(await request.json())}
        form = await request.post()
        args: dict[str, Any] = dict(request.query)  # slack_sdk sends some methods' arguments as params
        for key, value in form.items():
            args[key] = value if isinstance(value, str | bytes | bytearray) else value.file.read()
        for key in ("blocks", "view", "attachments", "files"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    def _check(self, method: str, args: dict[str, Any]) -> str | None:
        if method == "chat.unfurl":
            return self._check_unfurl(args)
        if "view" in args:
            return check_view(args["view"])
        if "blocks" in args:
            return check_blocks(args["blocks"])
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.update") and not args.get("text"):
            # Slack accepts it, but a message without a text fallback is silent in notifications
            return "message without a text fallback"
        return None

    @staticmethod
    def _check_unfurl(args: dict[str, Any]) -> str | None:
        """chat.unfurl: a target (channel and ts, or unfurl_id and source) and valid blocks per link."""
        if not ((args.get("channel") and args.get("ts")) or (args.get("unfurl_id") and args.get("source"))):
            return "chat.unfurl needs channel and ts, or unfurl_id and source"
        unfurls = args.get("unfurls")
        if isinstance(unfurls, str):
            unfurls = json.loads(unfurls)
        if not isinstance(unfurls, dict) or not unfurls:
            return "chat.unfurl needs unfurls keyed by URL"
        for value in unfurls.values():
            problem = check_blocks(value.get("blocks")) if isinstance(value, dict) else "not an object"
            if problem is not None:
                return problem
        return None

    def _answer(self, method: str, args: dict[str, Any], team_id: str = TEAM_ID) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://lite-test.slack.com/",
                "team": "Lite Test",
                "user": "liteproject",
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method in ("chat.postMessage", "chat.update"):
            channel = args.get("channel")
            if not channel:
                return {"ok": False, "error": "channel_not_found"}
            if self.members is not None and channel.startswith(("C", "G")) and channel not in self.members:
                return {"ok": False, "error": "not_in_channel"}
            if method == "chat.update":
                return {"ok": True, "channel": channel, "ts": args.get("ts"), "text": args.get("text", "")}
            ts = self._next_ts()
            message = {
                "ts": ts,
                "text": args.get("text", ""),
                "thread_ts": args.get("thread_ts"),
                "reply_broadcast": bool(args.get("reply_broadcast")),
                "metadata": args.get("metadata"),
            }
            self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method in ("conversations.history", "conversations.replies"):
            oldest = float(args.get("oldest") or 0)
            kept = self.messages.get(args.get("channel", ""), [])
            if method == "conversations.replies":
                kept = [m for m in kept if m["thread_ts"] == args.get("ts")]
            else:
                kept = [m for m in kept if not m["thread_ts"] or m["reply_broadcast"]]
            messages = [m for m in reversed(kept) if float(m["ts"]) > oldest]
            return {"ok": True, "messages": messages, "has_more": False}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1_700_000_000 + next(self._ts)}.000200"}
        if method == "chat.getPermalink":
            return {"ok": True, "permalink": f"https://lite-test.slack.com/archives/{args.get('channel')}/p1"}
        if method.startswith("views."):
            view = dict(args.get("view") or {})
            view_id = args.get("view_id") or f"V{next(self._views):08d}"
            return {"ok": True, "view": {**view, "id": view_id, "hash": f"h{view_id}"}}
        if method == "users.info":
            user_id = args.get("user", "")
            user = self.users.get(
                user_id,
                {"id": user_id, "name": user_id.lower(), "is_admin": False, "is_owner": False, "tz": "UTC"},
            )
            return {"ok": True, "user": user}
        if method == "conversations.info":
            return {"ok": True, "channel": {"id": args.get("channel"), "name": "general", "is_channel": True}}
        if method == "conversations.open":
            # a direct message with the one user asked for: Slack answers its D… channel id
            users = str(args.get("users") or "")
            if not users or "," in users:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "channel": {"id": f"D{users.removeprefix('U')}"}}
        if method == "conversations.join":
            channel = args.get("channel", "")
            if not channel.startswith("C"):
                return {"ok": False, "error": "method_not_supported_for_channel_type"}
            if self.members is not None:
                self.members.add(channel)
            return {"ok": True, "channel": {"id": channel}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._views):08d}"
            return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            return {
                "ok": True,
                "files": [
                    {"id": item["id"], "title": item.get("title", "")} for item in args.get("files", [])
                ],
            }
        return {"ok": True}

    def _next_ts(self) -> str:
        """A message ts as Slack makes them: the time of posting, unique in the workspace."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    @property
    def base_url(self) -> str:
        return self.url.removesuffix("/api/")

    async def _respond(self, request: web.Request) -> web.Response:
        args = dict(await request.json())
        self.calls.append(Call("respond", args, None, time.monotonic()))
        self.new_call.set()
        problem = check_blocks(args["blocks"]) if "blocks" in args else None
        if problem is not None:
            self.invalid.append(("respond", problem))
            return web.json_response({"ok": False, "error": "invalid_blocks"}, status=400)
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - uploaded")
