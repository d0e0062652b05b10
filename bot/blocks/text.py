"""Small text helpers shared by the renderers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

COMMAND = "/liteproject"  # the slash command, as manifest.yml declares it


def escape(text: str) -> str:
    """Escape user text for mrkdwn: Slack reads &, < and > as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ephemeral_line(text: str) -> dict[str, Any]:
    """A one-line answer only the person sees; `text` is ready (escaped) mrkdwn and its own fallback."""
    return {
        "response_type": "ephemeral",
        "text": text,
        "blocks": [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()],
    }


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_date(moment: dt.datetime, fallback: str) -> str:
    """A date each reader sees in their own time zone."""
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}}|{fallback}>"
