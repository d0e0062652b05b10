"""`/liteproject link <project>`."""

from __future__ import annotations

from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.projects_flow import find_by_name, invite_link_message


@subcommand(
    "link", usage="link <project>", description="The invite link alone, easy to copy, and an invite message."
)
async def show_invite_link(call: Invocation) -> None:
    await call.ack()
    project = await find_by_name(call.context, call.args)
    await call.respond(**invite_link_message(call.context, project))
