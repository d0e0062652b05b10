"""`/liteproject export <project> [here]`: the project's videos as a CSV file.

Spark codes let anyone run a creator's video as an ad, so the file with them goes to the
requester alone (a direct message); `here` posts it in this channel with the codes left out.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.blocks.errors import render_notice
from bot.blocks.export import export_words
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of
from bot.services import videos
from bot.services.errors import DomainError
from bot.services.workspaces import Actor

log = logging.getLogger(__name__)

HERE = "here"


def _split_here(args: str) -> tuple[str, bool]:
    """The project name, and whether the file goes to this channel (a trailing `here`)."""
    name, _, last = args.strip().rpartition(" ")
    if name and last.lower() == HERE:
        return name.strip(), True
    return args.strip(), False


@subcommand(
    "export",
    usage="export <project> [here]",
    description="A CSV of the project's videos: creators, links, statuses, reviews, dates. "
    "Sent to you in a direct message with the spark codes; `here` posts it in this channel without them.",
)
async def export_videos(call: Invocation) -> None:
    await call.ack()
    name, here = _split_here(call.args)
    user_id = call.body["user_id"]
    async with sessions_of(call.context)() as session:
        export = await videos.export_videos(
            session, actor=Actor.from_context(call.context), name=name, with_spark_codes=not here
        )
    words = export_words(export.project.link_name, export.count, user_id=user_id, here=here)
    if here:
        channel = call.body["channel_id"]
    else:
        try:
            opened = await call.client.conversations_open(users=user_id)
        except SlackApiError as exc:
            log.warning("export: opening a DM failed: %s", exc.response.get("error"))
            raise DomainError(words.no_dm) from None
        channel = str((opened.get("channel") or {}).get("id") or "")
    try:
        await call.client.files_upload_v2(
            channel=channel,
            filename=export.filename,
            title=words.title,
            content=export.content.encode("utf-8"),
            initial_comment=words.comment,
            request_file_info=False,
        )
    except SlackApiError as exc:
        log.warning("export upload failed: %s", exc.response.get("error"))
        raise DomainError(words.failed) from None
    await call.respond(**render_notice(words.done))
