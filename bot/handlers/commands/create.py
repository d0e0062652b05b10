"""`/liteproject create`: open the Create lite project modal."""

from __future__ import annotations

from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.projects_flow import open_create_modal


@subcommand("create", usage="create", description="Create a lite project and get its invite link.")
async def create_project(call: Invocation) -> None:
    await call.ack()
    await open_create_modal(
        call.client, call.context, trigger_id=call.body["trigger_id"], channel_id=call.body.get("channel_id")
    )
