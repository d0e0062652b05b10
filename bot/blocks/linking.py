"""Linking requests in Slack: the paste and select modals, the links to forward, the answers,
and the daily reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.payloads import encode_metadata, encode_value
from bot.blocks.text import escape, slack_date, truncate
from bot.blocks.videos import VIDEO_DETAILS, creator_label, video_link
from bot.services.linking import MAX_PASTE_CHARS, Confirmation, Pasted, RefusedLine, request_url
from bot.services.videos import authorization_ends_at, authorization_is_estimated
from storage.models import LinkingRequest, LiteProject, Video

PASTE_CALLBACK = "linking_paste"
SELECT_CALLBACK = "linking_select"
URLS_BLOCK = "urls"
VIDEOS_BLOCK = "videos"  # the checkboxes: videos_0, videos_1, … (a checkbox group holds 10)
CHECKBOXES_PER_BLOCK = 10
LISTED_IN_MESSAGE = 20  # videos named in an alert or a reminder; the rest are counted


def videos_block_id(index: int) -> str:
    return f"{VIDEOS_BLOCK}_{index}"


def _day(moment: dt.datetime) -> str:
    return slack_date(moment, moment.strftime("%Y-%m-%d"))


def render_paste_modal(project: LiteProject) -> dict[str, Any]:
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=truncate(
                    f"Add creators' existing videos to *{escape(project.link_name)}*. Each creator gets a link "
                    "to authorize their videos and enter a spark code for each.",
                    3000,
                )
            )
        ),
        InputBlock(
            block_id=URLS_BLOCK,
            label="TikTok video links, one per line",
            hint="Any TikTok link works. For a short link (vm.tiktok.com/…), add the creator's handle after it: "
            "`https://vm.tiktok.com/ZMabc123/ @handle`.",
            element=PlainTextInputElement(
                action_id="urls",
                multiline=True,
                max_length=MAX_PASTE_CHARS,
                placeholder="https://www.tiktok.com/@handle/video/7301234567890123456",
            ),
        ),
    ]
    return _add_videos_step(PASTE_CALLBACK, "Review", blocks, encode_metadata(project_id=project.id))


def _add_videos_step(callback_id: str, submit: str, blocks: list[Block], metadata: str) -> dict[str, Any]:
    """One step of the *Add videos* modal: paste the links, then select the videos."""
    view = View(
        type="modal",
        callback_id=callback_id,
        title="Add videos",
        submit=submit,
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata,
    )
    return view.to_dict()


def _refused(title: str, items: Sequence[RefusedLine]) -> SectionBlock:
    lines = [
        f"• Line {item.line}: `{escape(truncate(item.text, 80))}` — {escape(item.reason)}" for item in items
    ]
    return SectionBlock(text=MarkdownTextObject(text=truncate(f"*{title}*\n" + "\n".join(lines), 3000)))


def render_select_modal(pasted: Pasted) -> dict[str, Any]:
    """Step two: the parsed videos, all selected, with what was left out and why."""
    project = pasted.project
    count = len(pasted.candidates)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=truncate(
                    f"*{escape(project.link_name)}* · {count} video{'' if count == 1 else 's'} to add. "
                    "Select the videos to add, then *Confirm*: each creator gets one link for their videos.",
                    3000,
                )
            )
        )
    ]
    for index in range(0, count, CHECKBOXES_PER_BLOCK):
        group = pasted.candidates[index : index + CHECKBOXES_PER_BLOCK]
        options = [
            Option(
                value=candidate.key,
                text=truncate(f"@{candidate.handle} · {candidate.video_id or 'short link'}", 75),
                description=truncate(candidate.url, 75),
            )
            for candidate in group
        ]
        blocks.append(
            InputBlock(
                block_id=videos_block_id(index // CHECKBOXES_PER_BLOCK),
                label="Videos" if index == 0 else "More videos",
                optional=True,
                element=CheckboxesElement(action_id="videos", options=options, initial_options=options),
            )
        )
    if pasted.invalid:
        blocks.append(_refused(":warning: Not added: these lines aren't TikTok video links", pasted.invalid))
    if pasted.duplicates:
        blocks.append(_refused("Skipped: duplicates", pasted.duplicates))
    metadata = encode_metadata(
        project_id=project.id, videos=[candidate.compact for candidate in pasted.candidates]
    )
    return _add_videos_step(SELECT_CALLBACK, "Confirm", blocks, metadata)


def _request_line(request: LinkingRequest, videos: Sequence[Video], base_url: str) -> str:
    listed = ", ".join(video_link(video, video.tiktok_video_id or "video") for video in videos[:10])
    more = f" and {len(videos) - 10} more" if len(videos) > 10 else ""
    return truncate(
        f"*@{escape(request.creator_handle)}* · {len(videos)} video{'' if len(videos) == 1 else 's'}: "
        f"{listed}{more}\n{request_url(base_url, request)}\nExpires {_day(request.expires_at)}",
        3000,
    )


def _request_blocks(confirmation: Confirmation, base_url: str) -> list[Block]:
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=_request_line(item.request, item.videos, base_url)))
        for item in confirmation.requests[:45]
    ]
    if confirmation.skipped:
        skipped = ", ".join(f"@{escape(c.handle)} {c.video_id or c.url}" for c in confirmation.skipped)
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=truncate(f"Already in the project, skipped: {skipped}", 2000))
                ]
            )
        )
    return blocks


def render_requests_view(confirmation: Confirmation, base_url: str) -> dict[str, Any]:
    """What the person who confirmed sees: a link per creator, to forward."""
    count = len(confirmation.requests)
    intro = (
        f"Created {count} linking request{'' if count == 1 else 's'} for "
        f"*{escape(confirmation.project.link_name)}*. Send each creator their own link: anyone with a link "
        "can answer for that creator, so it's only here and in a direct message to you. The project's thread "
        "says how many were sent."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=truncate(intro, 3000)))]
    blocks += _request_blocks(confirmation, base_url)
    view = View(type="modal", title="Linking requests", close="Done", blocks=blocks)
    return view.to_dict()


def render_requests_message(confirmation: Confirmation, base_url: str, *, actor_id: str) -> dict[str, Any]:
    """A direct message to whoever sent the requests, ready to forward to each creator."""
    project = confirmation.project
    count = len(confirmation.requests)
    intro = (
        f":link: You asked {count} creator{'' if count == 1 else 's'} to authorize videos for "
        f"*{escape(project.link_name)}*. Forward each creator their own link (only you have them):"
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=truncate(intro, 3000)))]
    blocks += _request_blocks(confirmation, base_url)
    text = f"Linking requests for {escape(project.link_name)}: " + ", ".join(
        f"@{escape(item.request.creator_handle)} {request_url(base_url, item.request)}"
        for item in confirmation.requests
    )
    return {"text": truncate(text, 3900), "blocks": [block.to_dict() for block in blocks[:50]]}


def render_requests_sent(project: LiteProject, *, actor_id: str, handles: Sequence[str]) -> dict[str, Any]:
    """The project thread's note: how many were sent and to whom, never the links."""
    count = len(handles)
    who = ", ".join(f"@{escape(handle)}" for handle in handles[:20]) + (" and more" if count > 20 else "")
    line = (
        f":link: <@{actor_id}> sent {count} linking request{'' if count == 1 else 's'} ({who}). "
        "The creators' links went to them directly."
    )
    text = f"{count} linking request{'' if count == 1 else 's'} sent for {project.link_name}."
    return {
        "text": text,
        "blocks": [SectionBlock(text=MarkdownTextObject(text=truncate(line, 3000))).to_dict()],
    }


# --- answers and reminders (rendered from outbox rows) --------------------------------------------


def _video_lines(videos: Sequence[Video], project: LiteProject, *, with_end: bool) -> list[Block]:
    blocks: list[Block] = []
    for video in videos[:LISTED_IN_MESSAGE]:
        line = f"{creator_label(video)} · {video_link(video, video.tiktok_video_id or 'video')}"
        ends = authorization_ends_at(video, project)
        if with_end and ends is not None:
            line += f" · ends {_day(ends)}" + (" (estimated)" if authorization_is_estimated(video) else "")
        blocks.append(
            SectionBlock(
                block_id=f"linked_video_{video.id}",
                text=MarkdownTextObject(text=truncate(line, 3000)),
                accessory=ButtonElement(
                    text="View details", action_id=VIDEO_DETAILS, value=encode_value(video.id)
                ),
            )
        )
    if len(videos) > LISTED_IN_MESSAGE:
        more = len(videos) - LISTED_IN_MESSAGE
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"and {more} more: `/liteproject videos {escape(truncate(project.link_name, 100))}`"
                    )
                ]
            )
        )
    return blocks


def _message(text: str, headline: str, blocks: list[Block]) -> dict[str, Any]:
    head = SectionBlock(text=MarkdownTextObject(text=truncate(headline, 3000)))
    # `text` is plain: escaped here, as the fallback is read as mrkdwn too
    return {
        "text": truncate(escape(text), 3900),
        "blocks": [head.to_dict(), *(block.to_dict() for block in blocks)],
    }


def render_videos_authorized(project: LiteProject, handle: str, videos: Sequence[Video]) -> dict[str, Any]:
    count = len(videos)
    noun = f"{count} video{'' if count == 1 else 's'}"
    return _message(
        f"@{handle} authorized {noun} for {project.link_name}; the spark codes are in the videos' details.",
        f":white_check_mark: *@{escape(handle)}* authorized {noun} for *{escape(project.link_name)}*. "
        "The spark codes are in each video's details.",
        _video_lines(videos, project, with_end=True),
    )


def render_videos_declined(project: LiteProject, handle: str, videos: Sequence[Video]) -> dict[str, Any]:
    count = len(videos)
    noun = f"{count} video{'' if count == 1 else 's'}"
    return _message(
        f"@{handle} declined the linking request for {noun} of {project.link_name}.",
        f":no_entry_sign: *@{escape(handle)}* declined the linking request for {noun} of "
        f"*{escape(project.link_name)}*.",
        _video_lines(videos, project, with_end=False),
    )


def render_authorizations_ending(
    project: LiteProject, videos: Sequence[Video], *, last_day: bool = False
) -> dict[str, Any]:
    count = len(videos)
    noun = f"{count} ad authorization{'' if count == 1 else 's'}"
    verb = "ends" if count == 1 else "end"
    when = "within a day" if last_day else "within 7 days"
    return _message(
        f"{noun} of {project.link_name} {verb} {when}.",
        f":hourglass_flowing_sand: {noun} of *{escape(project.link_name)}* {verb} {when}. "
        "Ask the creators for a new spark code to keep the Spark Ads running "
        "(*View details* › *Ask for a new code* writes the message for you).",
        _video_lines(videos, project, with_end=True),
    )


def render_authorizations_ended(project: LiteProject, videos: Sequence[Video]) -> dict[str, Any]:
    count = len(videos)
    noun = f"{count} ad authorization{'' if count == 1 else 's'}"
    return _message(
        f"{noun} of {project.link_name} ended.",
        f":stopwatch: {noun} of *{escape(project.link_name)}* ended; their spark codes no longer work. "
        "A creator can generate a new code for the same video.",
        _video_lines(videos, project, with_end=True),
    )


def render_deadline_reminder(project: LiteProject, *, days_left: int, deadline: dt.date) -> dict[str, Any]:
    when = "tomorrow" if days_left == 1 else f"in {days_left} days"
    moment = dt.datetime.combine(deadline, dt.time(12), tzinfo=dt.UTC)
    return _message(
        f"The deadline of {project.link_name} is {when} ({deadline.isoformat()}).",
        f":calendar: The deadline of *{escape(project.link_name)}* is {when}, {slack_date(moment, deadline.isoformat())}.",
        [],
    )


def render_reminder_gone(project: LiteProject) -> dict[str, Any]:
    return _message(
        f"A reminder about {project.link_name} has nothing left to show.",
        escape(f"A reminder about {project.link_name} has nothing left to show."),
        [],
    )
