"""A digest of deliveries, sent instead of one alert each when a channel gets many at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.payloads import encode_value
from bot.blocks.text import escape, truncate
from bot.blocks.videos import VIDEO_LIST_TO_REVIEW
from storage.models import LiteProject, Video

LINES_PER_SECTION = 10
MAX_SECTIONS = 40  # keeps the message within Slack's 50 blocks
REVIEW_BUTTONS = 5  # one per project, for the projects with the most deliveries in the digest


# the deliveries a digest lists one per line; past them it says how many more
SHOWN = LINES_PER_SECTION * MAX_SECTIONS


def deliveries_per_project(of: Iterable[LiteProject]) -> dict[int, tuple[LiteProject, int]]:
    """Each project with its number of deliveries, by project id; `of`: each delivery's project."""
    projects: dict[int, tuple[LiteProject, int]] = {}
    for project in of:
        assert project.id is not None
        known, count = projects.get(project.id, (project, 0))
        projects[project.id] = (known, count + 1)
    return projects


def review_buttons(projects: Mapping[int, tuple[LiteProject, int]]) -> ActionsBlock:
    """*Review these*: the videos list of each project in the digest, filtered to what needs review."""
    busiest = sorted(projects.values(), key=lambda pair: -pair[1])[:REVIEW_BUTTONS]
    buttons = [
        ButtonElement(
            text="Review these" if len(projects) == 1 else truncate(f"Review {project.link_name}", 75),
            action_id=f"{VIDEO_LIST_TO_REVIEW}_{index}",
            value=encode_value(project.id),
            style="primary" if index == 0 else None,
        )
        for index, (project, _count) in enumerate(busiest)
    ]
    return ActionsBlock(block_id="digest_review", elements=buttons)


def render_delivery_digest(
    items: Sequence[tuple[LiteProject, Video]],
    *,
    count: int | None = None,
    per_project: Mapping[int, tuple[LiteProject, int]] | None = None,
) -> dict[str, Any]:
    """`items`: the digest's deliveries in order; or only the first `SHOWN` of them, with `count`
    (all of them) and `per_project` (as `deliveries_per_project` gives for all of them)."""
    count = len(items) if count is None else count
    per_project = (
        deliveries_per_project(project for project, _ in items) if per_project is None else per_project
    )
    header = f":inbox_tray: *{count} new videos* were delivered in the last minute:"
    lines = []
    for project, video in items[:SHOWN]:
        spark = "spark code ✓" if video.spark_code else "no spark code yet"
        lines.append(
            f"• *{escape(truncate(project.link_name, 60))}* · @{escape(video.creator_handle)} · "
            f"<{escape(video.url)}|video> · {spark}"
        )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=header))]
    for start in range(0, len(lines), LINES_PER_SECTION):
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="\n".join(lines[start : start + LINES_PER_SECTION])))
        )
    if count > len(lines):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"…and {count - len(lines)} more.")]))
    blocks.append(review_buttons(per_project))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Deliveries are grouped when a channel gets many at once. "
                    "`/liteproject videos <project>` lists them all."
                )
            ]
        )
    )
    text = f"{count} new videos delivered: " + ", ".join(
        f"@{escape(video.creator_handle)}" for _, video in items[:20]
    )
    return {"text": truncate(text, 3000), "blocks": [block.to_dict() for block in blocks]}
