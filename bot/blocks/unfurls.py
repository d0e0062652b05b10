"""Link previews (chat.unfurl): an invite link's project, a collected TikTok video."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.text import escape, truncate
from bot.blocks.videos import STATUS_LABELS, review_label, tiktok_check_notes
from bot.services.unfurls import Preview, ProjectPreview
from storage.models import VideoStatus


def render_unfurls(found: Sequence[Preview]) -> dict[str, dict[str, Any]]:
    """chat.unfurl's `unfurls`: each link mapped to its blocks."""
    unfurls = {}
    for preview in found:
        blocks = _project(preview) if isinstance(preview, ProjectPreview) else _video(preview)
        unfurls[preview.url] = {"blocks": [block.to_dict() for block in blocks]}
    return unfurls


def _project(preview: ProjectPreview) -> list[Block]:
    overview = preview.overview
    project, counts = overview.project, overview.counts
    status = ":large_green_circle: Accepting videos" if project.active else ":double_vertical_bar: Paused"
    text = (
        f":link: *{escape(project.link_name)}* · {escape(overview.brand.name)}\n"
        f"{status} · {counts.delivered} delivered · {counts.authorized} authorized"
    )
    return [
        SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000))),
        ContextBlock(
            elements=[MarkdownTextObject(text="liteproject invite link · creators deliver videos here")]
        ),
    ]


def _video(preview: Any) -> list[Block]:
    video, project = preview.video, preview.project
    code = ":key: spark code received" if video.spark_code else ":warning: no spark code yet"
    lines = [
        f":clapper: *{escape(video.title or 'TikTok video')}*",
        f"@{escape(video.creator_handle)} · *{escape(project.link_name)}*",
        f"{STATUS_LABELS[VideoStatus(video.status)]} · {review_label(video)} · {code}",
        *tiktok_check_notes(video),
    ]
    return [SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), 3000)))]
