"""`/liteproject edit <project>`: Manage project link (Active switch and Edit details)."""

from __future__ import annotations

from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.projects_flow import find_by_name, open_manage_modal


@subcommand(
    "edit",
    usage="edit <project>",
    description="Manage project link: pause or resume it, and edit the details that can change.",
    aliases=("manage",),
)
async def edit_project(call: Invocation) -> None:
    await call.ack()
    project = await find_by_name(call.context, call.args)
    await open_manage_modal(call.client, call.context, trigger_id=call.body["trigger_id"], project=project)
