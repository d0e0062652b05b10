"""Newer/Older on a project's history."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.blocks.history import HISTORY_PAGE, render_history
from bot.handlers.common import sessions_of, value_id, value_parts
from bot.services import history
from bot.services.workspaces import Actor


async def turn_history_page(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    offset = value_parts(body, 2)[1]
    async with sessions_of(context)() as session:
        page = await history.project_history(
            session,
            actor=Actor.from_context(context),
            project_id=value_id(body),
            offset=int(offset) if offset.isdigit() else 0,
        )
    if context.respond is not None:
        await context.respond(**render_history(page))


def register(app: AsyncApp) -> None:
    app.action(re.compile(f"^{HISTORY_PAGE}_(prev|next)$"))(turn_history_page)
