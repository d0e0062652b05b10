"""The App Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.blocks.help import COMMAND, HelpEntry


def render_home(entries: Sequence[HelpEntry]) -> dict[str, Any]:
    commands = "\n".join(f"`{COMMAND} {entry.usage}` — {entry.description}" for entry in entries)
    blocks = [
        HeaderBlock(text="liteproject"),
        SectionBlock(
            text=MarkdownTextObject(
                text="Run your TikTok One lite projects from Slack: share invite links with creators, "
                "pause and resume them, and hear about every video they deliver."
            )
        ),
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=f"*Commands*\n{commands}"[:3000])),
        ContextBlock(
            elements=[MarkdownTextObject(text=f"Type `{COMMAND} help` in any channel for details.")]
        ),
    ]
    return View(type="home", blocks=blocks).to_dict()
