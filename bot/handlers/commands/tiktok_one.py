"""`/liteproject adopt <project>`: link a project to a lite project that already exists in TikTok One."""

from __future__ import annotations

from bot.blocks.projects import render_adoption_requested
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of
from bot.handlers.projects_flow import find_by_name
from bot.services import tiktok_one_sync
from bot.services.permissions import require_manager
from bot.services.workspaces import Actor


@subcommand(
    "adopt",
    usage="adopt <project>",
    description="Link a project to a lite project that already exists in TikTok One (pick it from a list).",
)
async def adopt(call: Invocation) -> None:
    await call.ack()
    project = await find_by_name(call.context, call.args)
    actor = Actor.from_context(call.context)
    async with sessions_of(call.context).begin() as session:
        await require_manager(session, actor=actor, project=project, action="edit")
        await tiktok_one_sync.request_adoption(session, project=project, user_id=actor.user_id)
    await call.respond(**render_adoption_requested(project))
