"""`/liteproject history <project>`."""

from __future__ import annotations

from bot.blocks.history import render_history
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of
from bot.services import history
from bot.services.workspaces import Actor


@subcommand("history", usage="history <project>", description="Who changed what in a project, and when.")
async def show_history(call: Invocation) -> None:
    await call.ack()
    async with sessions_of(call.context)() as session:
        page = await history.project_history(session, actor=Actor.from_context(call.context), name=call.args)
    await call.respond(**render_history(page))
