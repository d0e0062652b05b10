"""`/liteproject show <project>`."""

from __future__ import annotations

from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.projects_flow import project_overview_message


@subcommand(
    "show",
    usage="show <project>",
    description="A project's overview: every field, video counts, the invite link and its buttons.",
    aliases=("open",),
)
async def show_project(call: Invocation) -> None:
    await call.ack()
    await call.respond(**await project_overview_message(call.context, name=call.args))
