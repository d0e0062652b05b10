"""Short ephemeral answers: confirmations and things that went wrong."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.blocks.text import escape


def render_error_message(message: str, *, markup: str | None = None) -> dict[str, Any]:
    """`markup`, when given, is ready mrkdwn (already escaped) for the same sentence."""
    shown = markup if markup is not None else escape(message)
    return {
        # the fallback is read as mrkdwn too (notifications, screen readers): escaped like the blocks
        "text": escape(message),
        "blocks": [SectionBlock(text=MarkdownTextObject(text=f":warning: {shown}")).to_dict()],
    }


def render_unexpected_error_message() -> dict[str, Any]:
    return render_error_message(
        "Something went wrong on our side and nothing was changed. Try again in a minute; "
        "if it keeps happening, tell whoever runs liteproject for your workspace."
    )


def render_busy_message() -> dict[str, Any]:
    """The answer to a command that came while liteproject was at capacity: nothing was done."""
    return {
        "response_type": "ephemeral",
        **render_error_message("liteproject is busy right now and didn't run that. Try again in a moment."),
    }


def render_notice(message: str) -> dict[str, Any]:
    """A one-line ephemeral confirmation, from plain text."""
    return {**render_line(escape(message)), "replace_original": False}


def render_line(markup: str) -> dict[str, Any]:
    """One ephemeral line of ready mrkdwn (already escaped), e.g. an empty list saying how to start."""
    return {
        "response_type": "ephemeral",
        "text": markup,
        "blocks": [SectionBlock(text=MarkdownTextObject(text=markup)).to_dict()],
    }


def render_error_modal(message: dict[str, Any]) -> dict[str, Any]:
    """The same answer as a small modal, for buttons that have no message to answer in."""
    return View(type="modal", title="liteproject", close="OK", blocks=message["blocks"]).to_dict()
