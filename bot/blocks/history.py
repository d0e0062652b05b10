"""A project's audit history, a page at a time."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import escape, slack_date, truncate
from bot.services.history import HistoryPage
from storage.models import AuditEvent

HISTORY_PAGE = "project_history_page"
HIDDEN_KEYS = {"spark_code"}  # the history says a code changed, never what it is


def who(actor: str) -> str:
    if actor.startswith("creator:"):
        return f"@{escape(actor.removeprefix('creator:'))} (creator)"
    return f"<@{actor}>" if actor else "someone"


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    return "—" if value in (None, "") else truncate(str(value), 80)


def describe_changes(event: AuditEvent) -> str:
    before, after = event.before or {}, event.after or {}
    parts = []
    for key in sorted(set(before) | set(after)):
        label = key.replace("_", " ")
        if key in HIDDEN_KEYS:
            parts.append(f"{label} changed")
        elif key in before and key in after:
            parts.append(f"{label}: {escape(_value(before[key]))} → {escape(_value(after[key]))}")
        elif key in after:
            parts.append(f"{label}: {escape(_value(after[key]))}")
    return truncate("; ".join(parts), 600)


def render_history(page: HistoryPage) -> dict[str, Any]:
    name = escape(page.project.link_name)
    if page.total == 0:
        text = f"Nothing has happened to {name} yet."
        return {
            "response_type": "ephemeral",
            "text": text,
            "blocks": [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()],
        }
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
        action = escape(event.action.replace(".", " ").replace("_", " "))
        changes = describe_changes(event)
        line = f"{when} · {who(event.actor)} · *{action}*" + (f"\n{changes}" if changes else "")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(line, 3000))))
    nav = []
    if page.offset > 0:
        previous = f"{page.project.id}:{max(0, page.offset - page.limit)}"
        nav.append(ButtonElement(text="Newer", action_id=f"{HISTORY_PAGE}_prev", value=previous))
    if page.has_next:
        following = f"{page.project.id}:{page.offset + page.limit}"
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
