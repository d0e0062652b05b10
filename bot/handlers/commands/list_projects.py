"""`/liteproject list`: answered in the ack, from a page kept until the workspace changes."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.projects import render_project_list
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of
from bot.services import listing, projects
from bot.services.workspaces import Actor

PAGE_SIZE = 10


@subcommand(
    "list", usage="list", description="The workspace's lite projects, newest first.", aliases=("projects",)
)
async def list_projects(call: Invocation) -> None:
    actor = Actor.from_context(call.context)

    async def read(session: AsyncSession) -> str:
        page = await projects.list_projects(session, actor=actor, limit=PAGE_SIZE)
        # the ack is a new ephemeral message: there is nothing for it to replace
        message = {
            key: value for key, value in render_project_list(page).items() if key != "replace_original"
        }
        return await ack_body(message)

    body = await listing.cached_page(
        sessions_of(call.context), actor=actor, key=("project_list", 0, PAGE_SIZE), read=read
    )
    # the listing rides on the ack: nothing is left queued behind the answer. Bolt answers a text
    # that is a JSON object as that JSON (application/json), so the kept page is sent as it was
    # encoded, byte for byte what `ack(**message)` sends, without encoding it again per command
    await call.ack(body)


async def ack_body(message: dict[str, Any]) -> str:
    """The JSON Bolt answers for `ack(**message)`, made once for every command the page answers."""
    ack = AsyncAck()
    response = await ack(**message)
    return response.body
