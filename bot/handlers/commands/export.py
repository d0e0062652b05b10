"""`/liteproject export <project>`: the project's videos as a CSV file in this channel."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.blocks.errors import render_notice
from bot.blocks.text import escape
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of
from bot.handlers.projects_flow import find_by_name
from bot.services import videos
from bot.services.errors import DomainError
from bot.services.workspaces import Actor

log = logging.getLogger(__name__)


@subcommand(
    "export",
    usage="export <project>",
    description="Upload a CSV of the project's videos here: creators, links, statuses, dates, spark codes.",
)
async def export_videos(call: Invocation) -> None:
    await call.ack()
    project = await find_by_name(call.context, call.args)
    assert project.id is not None
    async with sessions_of(call.context)() as session:
        export = await videos.export_videos(
            session, actor=Actor.from_context(call.context), project_id=project.id
        )
    noun = f"{export.count} video{'' if export.count == 1 else 's'}"
    try:
        await call.client.files_upload_v2(
            channel=call.body["channel_id"],
            filename=export.filename,
            title=escape(f"{project.link_name}: videos"),
            content=export.content.encode("utf-8"),
            initial_comment=f"Videos of “{escape(project.link_name)}” ({noun}), exported by <@{call.body['user_id']}>.",
            request_file_info=False,
        )
    except SlackApiError as exc:
        log.warning("export upload failed: %s", exc.response.get("error"))
        raise DomainError(
            "I couldn't upload the file to this channel. If it's a private channel, invite me with "
            "/invite @liteproject and try again."
        ) from None
    await call.respond(**render_notice(f"Exported {noun} of “{project.link_name}” to this channel."))
