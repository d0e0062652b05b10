"""A project's audit history, a page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.changes import project_change_phrases, sentence
from bot.blocks.payloads import encode_value
from bot.blocks.text import ephemeral_line, escape, slack_date, truncate
from bot.services.history import HistoryPage
from storage.models import AuditEvent

HISTORY_PAGE = "project_history_page"
SYSTEM_ACTORS = {"", "system", "liteproject"}


def who(actor: str) -> str:
    if actor.startswith("creator:"):
        return f"@{escape(actor.removeprefix('creator:'))} (creator)"
    return f"<@{actor}>" if actor else "someone"


def _videos(count: int) -> str:
    return "1 video" if count == 1 else f"{count} videos"


def event_phrase(event: AuditEvent, *, accounts: Mapping[int, str] | None = None) -> str:
    """What happened, as a phrase after the person's name; never ids, field names or spark codes."""
    before, after = event.before or {}, event.after or {}
    simple = {
        "project.created": "created the project",
        "project.paused": "paused the invite link",
        "project.resumed": "resumed the invite link",
        "project.archived": "archived the project",
        "project.restored": "restored the project (paused)",
        "video.spark_code_added": "added the spark code to their video",
        "video.approved": "approved a video",
        "video.rejected": "rejected a video",
        "video.unreviewed": "put a video back to review",
        "video.authorization_expired": "a video's ad authorization ended",
        "linking_request.declined": "declined a linking request",
        "notifications.retried": "sent failed notifications again",
    }
    if event.action in simple:
        return simple[event.action]
    if event.action == "project.updated":
        return sentence("", project_change_phrases(before, after, accounts=accounts)).strip()
    if event.action == "project.brand_domain_changed":
        old, new = escape(str(before.get("brand_domain") or "")), escape(str(after.get("brand_domain") or ""))
        return f"moved the brand's website from {old} to {new}"
    if event.action == "video.delivered":
        code = "with its spark code" if after.get("spark_code") else "without a spark code"
        return f"delivered a video {code}"
    if event.action == "linking_request.created":
        handle = escape(str(after.get("creator_handle") or "a creator"))
        return f"sent a linking request to @{handle} for {_videos(len(after.get('video_ids') or []))}"
    if event.action == "linking_request.accepted":
        return f"accepted a linking request and authorized {_videos(len(after.get('video_ids') or []))}"
    if event.action == "linking_request.expired":
        return "a linking request expired unanswered"
    target, _, verb = event.action.partition(".")
    return escape(f"{verb.replace('_', ' ')} ({target.replace('_', ' ')})")


def event_line(event: AuditEvent, *, accounts: Mapping[int, str] | None = None) -> str:
    phrase = event_phrase(event, accounts=accounts)
    if event.actor in SYSTEM_ACTORS or event.action in (
        "video.authorization_expired",
        "linking_request.expired",
    ):
        return phrase[:1].upper() + phrase[1:]
    return f"{who(event.actor)} {phrase}"


def render_history(page: HistoryPage) -> dict[str, Any]:
    name = escape(page.project.link_name)
    if page.total == 0:
        return ephemeral_line(f"Nothing has happened to {name} yet.")
    first, last = page.offset + 1, page.offset + len(page.events)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*History of {name}* ({first}–{last} of {page.total}), newest first"
            )
        )
    ]
    for event in page.events:
        when = slack_date(event.created_at, event.created_at.strftime("%Y-%m-%d %H:%M UTC"))
        line = f"{when} · {event_line(event, accounts=page.accounts)}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(line, 3000))))
    nav = []
    if page.offset > 0:
        previous = encode_value(page.project.id, max(0, page.offset - page.limit))
        nav.append(ButtonElement(text="Newer", action_id=f"{HISTORY_PAGE}_prev", value=previous))
    if page.has_next:
        following = encode_value(page.project.id, page.offset + page.limit)
        nav.append(ButtonElement(text="Older", action_id=f"{HISTORY_PAGE}_next", value=following))
    if nav:
        blocks.append(ActionsBlock(block_id="history_nav", elements=nav))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text="Times are shown in your time zone.")]))
    text = f"History of {name}: {page.total} events"
    return {
        "response_type": "ephemeral",
        "replace_original": True,
        "text": text,
        "blocks": [b.to_dict() for b in blocks],
    }
