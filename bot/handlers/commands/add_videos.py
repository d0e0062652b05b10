"""`/liteproject add-videos <project>`: a linking request for creators' existing videos."""

from __future__ import annotations

from bot.blocks.errors import render_notice
from bot.blocks.linking import render_paste_modal
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import settings_of
from bot.handlers.projects_flow import find_by_name
from bot.services import linking


@subcommand(
    "add-videos",
    usage="add-videos <project>",
    description="Add creators' existing videos by URL; each creator gets a link to authorize them.",
)
async def add_videos(call: Invocation) -> None:
    await call.ack()
    try:
        linking.require_enabled(settings_of(call.context).linking_requests_enabled)
    except linking.NotEntitled as exc:
        await call.respond(**render_notice(exc.message))
        return
    project = await find_by_name(call.context, call.args)
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=render_paste_modal(project))
