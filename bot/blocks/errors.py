"""Short ephemeral answers for things that went wrong."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock


def render_error_message(message: str) -> dict[str, Any]:
    return {
        "text": message,
        "blocks": [SectionBlock(text=MarkdownTextObject(text=f":warning: {message}")).to_dict()],
    }


def render_unexpected_error_message() -> dict[str, Any]:
    return render_error_message(
        "Something went wrong on our side and nothing was changed. Try again in a minute; "
        "if it keeps happening, tell whoever runs liteproject for your workspace."
    )
