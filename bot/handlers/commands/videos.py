"""`/liteproject videos <project>`."""

from __future__ import annotations

from bot.blocks.help import VIDEO_WORDS
from bot.handlers.actions.video_pages import video_list_view
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.projects_flow import find_by_name


@subcommand(
    "videos",
    usage="videos <project>",
    description="A project's videos: creator, source, status, dates, when each authorization ends.",
    details=VIDEO_WORDS,
)
async def show_videos(call: Invocation) -> None:
    await call.ack()
    project = await find_by_name(call.context, call.args)
    assert project.id is not None
    view = await video_list_view(call.context, project_id=project.id)
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=view)
