"""The requests the benchmark sends, built as raw HTTP/1.1 and signed the way Slack signs them."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bot.portal.security import FormTokens
from tests.harness.fake_slack import TEAM_ID
from tests.harness.slack_requests import API_APP_ID, CHANNEL_ID, SIGNING_SECRET, USER_ID, SlackRequests, sign


def raw_request(method: str, path: str, port: int, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def write_requests(path: Path, requests: Iterable[bytes]) -> int:
    count = 0
    with path.open("wb") as out:
        for raw in requests:
            out.write(f"{len(raw)}\n".encode() + raw)
            count += 1
    return count


def signed(port: int, body: str, *, timestamp: int | None = None) -> bytes:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return raw_request(
        "POST",
        "/slack/events",
        port,
        body.encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": sign(body, timestamp),
        },
    )


def command_requests(port: int, text: str, count: int, *, response_url_base: str) -> list[bytes]:
    """`count` signed `/liteproject <text>`, each with its own response_url (…/commands/T/<n>)."""
    slack = SlackRequests(f"http://127.0.0.1:{port}/slack/events")
    slack.response_url_base = response_url_base
    return [signed(port, slack.command_body(text)) for _ in range(count)]


def create_values(assets: dict[str, int], link_name: str) -> dict[str, Any]:
    """The `project_create` modal's state, as Slack sends it on submit."""
    deadline = (dt.date.today() + dt.timedelta(days=30)).isoformat()

    def text(value: str) -> dict[str, Any]:
        return {"value": {"type": "plain_text_input", "value": value}}

    def choice(value: str) -> dict[str, Any]:
        return {"value": {"type": "static_select", "selected_option": {"value": value}}}

    return {
        "link_name": text(link_name),
        "brand": choice(str(assets["brand"])),
        "authorization_days": choice("30"),
        "anchor": choice(str(assets["anchor"])),
        "ads_accounts": {
            "value": {"type": "multi_static_select", "selected_options": [{"value": str(assets["account"])}]}
        },
        "description": text("Vitamin C serum for sensitive skin"),
        "deliverable": text("One 30-60 s video"),
        "requirements": text("Show the bottle"),
        "deadline": {"value": {"type": "datepicker", "selected_date": deadline}},
        "contact": text("partners@glowco.com"),
        "channel": {"value": {"type": "conversations_select", "selected_conversation": CHANNEL_ID}},
    }


def create_requests(port: int, assets: dict[str, int], count: int) -> list[bytes]:
    requests = []
    for n in range(count):
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "lite-test"},
            "user": {"id": USER_ID, "username": USER_ID.lower(), "team_id": TEAM_ID},
            "api_app_id": API_APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": f"{n}.111.trigger",
            "view": {
                "id": f"V{n:08d}",
                "team_id": TEAM_ID,
                "type": "modal",
                "callback_id": "project_create",
                "private_metadata": "",
                "blocks": [],
                "state": {"values": create_values(assets, f"Bench glow {n}")},
                "hash": "h1",
            },
            "response_urls": [],
        }
        requests.append(signed(port, urlencode({"payload": json.dumps(payload)})))
    return requests


def delivery_requests(port: int, tokens: list[str], count: int, *, first: int = 0) -> list[bytes]:
    """`count` deliveries of distinct videos spread over the invite links, each with a form token."""
    forms = FormTokens(SIGNING_SECRET)
    form_tokens = {token: forms.issue(token) for token in tokens}
    requests = []
    for n in range(first, first + count):
        token = tokens[n % len(tokens)]
        handle = f"maker.{n % 997}"
        video_id = f"74{n:017d}"
        body = urlencode(
            {
                "url": f"https://www.tiktok.com/@{handle}/video/{video_id}",
                "creator_handle": f"@{handle}",
                "creator_email": f"maker{n % 997}@example.com",
                "spark_code": "",
                "form_token": form_tokens[token],
            }
        ).encode()
        requests.append(
            raw_request(
                "POST", f"/i/{token}", port, body, {"Content-Type": "application/x-www-form-urlencoded"}
            )
        )
    return requests


def bare_requests(port: int, like: bytes) -> list[bytes]:
    """A POST to the bare handler with a body the size of `like`'s (a delivery form)."""
    body = b"x=" + b"a" * max(0, len(like.split(b"\r\n\r\n", 1)[-1]) - 2)
    return [raw_request("POST", "/hello", port, body, {"Content-Type": "application/x-www-form-urlencoded"})]
