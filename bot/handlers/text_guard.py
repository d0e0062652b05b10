"""Refuse control and format characters in everything typed into Slack, before any listener runs.

A modal answers with the error under each field that has them; a slash command answers privately.
The rule itself (which characters, and the words) lives in `bot.services.validation`, which the
services apply too.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.blocks.errors import render_error_message
from bot.services.validation import invisible_characters, invisible_message


def register(app: AsyncApp) -> None:
    app.middleware(RefuseInvisibleText())


class RefuseInvisibleText(AsyncMiddleware):
    # a middleware object: Bolt would build every injectable argument for a function middleware,
    # on every request, to hand it the body
    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse | None:
        return await refuse_invisible_text(req.body, next)


async def refuse_invisible_text(
    body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]
) -> BoltResponse | None:
    if body.get("type") == "view_submission":
        errors = _field_errors(body.get("view", {}).get("state", {}).get("values", {}))
        if errors:
            return _json({"response_action": "errors", "errors": errors})
    elif body.get("command"):
        found = invisible_characters(str(body.get("text") or ""))
        if found:
            return _json({"response_type": "ephemeral", **render_error_message(invisible_message(found))})
    return await next()


def _field_errors(values: dict[str, Any]) -> dict[str, str]:
    errors = {}
    for block_id, actions in values.items():
        for state in (actions or {}).values():
            value = state.get("value") if isinstance(state, dict) else None
            found = invisible_characters(value) if isinstance(value, str) else []
            if found:
                errors[block_id] = invisible_message(found)
    return errors


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})
