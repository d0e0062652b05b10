"""`/liteproject pause <project>` and `/liteproject resume <project>`."""

from __future__ import annotations

from bot.blocks.projects import render_active_change, render_bulk_change
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import refresh_home, sessions_of
from bot.handlers.projects_flow import set_active
from bot.services import projects
from bot.services.workspaces import Actor


@subcommand(
    "pause", usage="pause <project>", description="Turn the invite link off: creators can't deliver videos."
)
async def pause_project(call: Invocation) -> None:
    await _set(call, active=False)


@subcommand("resume", usage="resume <project|all>", description="Turn the invite link back on.")
async def resume_project(call: Invocation) -> None:
    await _set(call, active=True)


async def _set(call: Invocation, *, active: bool) -> None:
    await call.ack()
    if call.args.strip().lower() == "all":
        await _set_all(call, active=active)
        return
    change = await set_active(call.client, call.context, name=call.args, active=active)
    await call.respond(**render_active_change(change))


async def _set_all(call: Invocation, *, active: bool) -> None:
    actor = Actor.from_context(call.context)
    async with sessions_of(call.context).begin() as session:
        changed = await projects.set_all_invite_links(
            session, actor=actor, active=active, summary_channel_id=call.body["channel_id"]
        )
    if changed:
        await refresh_home(call.client, call.context, user_id=actor.user_id)
    await call.respond(**render_bulk_change(changed, active=active))
