"""`/liteproject add-videos <project>`: a linking request for creators' existing videos."""

from __future__ import annotations

from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.projects_flow import find_by_name
from bot.handlers.views.linking import open_paste_modal


@subcommand(
    "add-videos",
    usage="add-videos <project>",
    description="Add creators' existing videos by URL; each creator gets a link to authorize them.",
)
async def add_videos(call: Invocation) -> None:
    await call.ack()
    project = await find_by_name(call.context, call.args)
    assert project.id is not None
    await open_paste_modal(call.client, call.body, call.context, project_id=project.id)
