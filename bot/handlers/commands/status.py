"""`/liteproject status [retry]`: is every notification getting through?"""

from __future__ import annotations

from bot.blocks.status import render_status
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of
from bot.services import send_status
from bot.services.workspaces import Actor


@subcommand(
    "status",
    usage="status [retry]",
    description="Notifications waiting or failed, and why; `retry` sends the failed ones again.",
)
async def show_status(call: Invocation) -> None:
    await call.ack()
    actor = Actor.from_context(call.context)
    retried = None
    if call.args.strip().lower() == "retry":
        async with sessions_of(call.context).begin() as session:
            retried = await send_status.retry_failed(session, actor=actor)
    async with sessions_of(call.context)() as session:
        status = await send_status.summary(session, actor=actor)
    await call.respond(**render_status(status, retried=retried))
