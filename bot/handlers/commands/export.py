"""`/liteproject export <project> [here]`: the project's videos as a CSV file.

Spark codes let anyone run a creator's video as an ad, so the file with them goes to the
requester alone (a direct message); `here` posts it in this channel with the codes left out.
"""

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
    project = await find_by_name(call.context, name)
    assert project.id is not None
    user_id = call.body["user_id"]
    async with sessions_of(call.context)() as session:
        export = await videos.export_videos(
            session,
            actor=Actor.from_context(call.context),
            project_id=project.id,
            with_spark_codes=not here,
        )
    name = escape(project.link_name)
    noun = f"{export.count} video{'' if export.count == 1 else 's'}"
    if here:
        channel = call.body["channel_id"]
        comment = (
            f"Videos of “{name}” ({noun}), exported by <@{user_id}>. "
            "Spark codes are left out of this file; managers get them with "
            f"`/liteproject export {name}`."
        )
        done = (
            f"Exported {noun} of “{name}” to this channel, without spark codes. "
            "Without `here`, the file with the codes comes to you in a direct message."
        )
        failed = (
            "I couldn't upload the file to this channel. If it's a private channel, invite me with "
            "/invite @liteproject and try again."
        )
    else:
        try:
            opened = await call.client.conversations_open(users=user_id)
        except SlackApiError as exc:
            log.warning("export: opening a DM failed: %s", exc.response.get("error"))
            raise DomainError(
                "I couldn't open a direct message with you for the file. Nothing was posted; "
                f"`/liteproject export {name} here` posts it in this channel without spark codes."
            ) from None
        channel = str((opened.get("channel") or {}).get("id") or "")
        comment = f"Videos of “{name}” ({noun}), with their spark codes. Only you got this file."
        done = (
            f"Sent you {noun} of “{name}” in a direct message, with the spark codes "
            "(kept out of the channel). `here` posts a copy without codes in this channel."
        )
        failed = "I couldn't send you the file in a direct message. Try again in a moment."
    try:
        await call.client.files_upload_v2(
            channel=channel,
            filename=export.filename,
            title=escape(f"{project.link_name}: videos"),
            content=export.content.encode("utf-8"),
            initial_comment=comment,
            request_file_info=False,
        )
    except SlackApiError as exc:
        log.warning("export upload failed: %s", exc.response.get("error"))
        raise DomainError(failed) from None
    await call.respond(**render_notice(done))
