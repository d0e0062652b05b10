"""The help answer, rendered from the subcommand registry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.text import escape, truncate

COMMAND = "/liteproject"
# a section holds at most 3000 characters: keep room for the longest entry
SECTION_BUDGET = 2800


class HelpEntry(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def usage(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def details(self) -> str: ...


def render_help(
    entries: Sequence[HelpEntry],
    *,
    unknown: str | None = None,
    suggestion: str | None = None,
    single: bool = False,
) -> dict[str, Any]:
    blocks: list[Any] = []
    lines: list[str] = []
    if unknown is not None:
        lead = f"`{COMMAND} {escape(truncate(unknown, 40))}` isn't a command."
        if suggestion:
            lead += f" Did you mean `{COMMAND} {suggestion}`?"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":thinking_face: {lead}")))
        lines.append(lead)
    elif not single:
        intro = "*liteproject* runs your TikTok One lite projects from Slack. Commands:"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=intro)))
    chunk = ""
    for entry in entries:
        item = f"`{COMMAND} {entry.usage}`\n{entry.description}\n"
        lines.append(f"{COMMAND} {entry.usage} — {entry.description}")
        if len(chunk) + len(item) > SECTION_BUDGET:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk.rstrip())))
            chunk = ""
        chunk += item + "\n"
    if chunk:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk.rstrip())))
    if single and entries and entries[0].details:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(entries[0].details, 3000))))
        lines.append(entries[0].details)
    if not single:
        tip = f"`{COMMAND} help <command>` shows one command. Only you can see this message."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tip)]))
    return {
        "response_type": "ephemeral",
        "text": "\n".join(lines),
        "blocks": [block.to_dict() for block in blocks],
    }
