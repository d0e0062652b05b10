"""The help answer, rendered from the subcommand registry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from slack_sdk.models.blocks import ButtonElement, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.text import COMMAND, escape, truncate

# a section holds at most 3000 characters: keep room for the longest entry
SECTION_BUDGET = 2800
TIKTOK_FOR_BUSINESS = (
    "*Connect TikTok for Business* (liteproject's Home tab) and every spark code is checked with TikTok: "
    "which video it unlocks and its real end date, with codes that are wrong, expired or too short flagged. "
    "Codes then go to your Ads Manager accounts with *Add to Ads Manager*. Without it, end dates are "
    "estimated from the project's period."
)

# `help videos`: the one vocabulary of bot.services.videos (STATUS_WORDS, REVIEW_WORDS), explained
VIDEO_WORDS = (
    "*What a video's words mean*\n"
    "Status, where the video is:\n"
    "• *delivered* — a creator sent it through the invite link, without a spark code yet.\n"
    "• *authorized* — it has a spark code: from an invite-link delivery (its end date is *estimated*: "
    "the project's ad authorization period from the day the code came) or from an accepted linking request.\n"
    "• *expired* — its ad authorization period is over; the code no longer works. The creator can make a new one.\n"
    "• *requested* / *declined* — a linking request is waiting for the creator / the creator said no.\n"
    "Review, what the team decided:\n"
    "• *to review* — nobody has approved or rejected it yet.\n"
    "• *approved* / *rejected* — decided with *Approve* or *Reject* on the alert or in *View details*.\n"
    "The *To review* filter of the list shows what is still to decide. A creator who forgot the code "
    "can deliver the same video again with it: the alert is updated and the thread says so.\n"
    "With TikTok for Business connected (Home tab), each code is *verified with TikTok* (its real end date "
    "replaces the estimate); the *Code problems* filter lists codes that unlock another video, are unknown, "
    "expired or shorter than the project's period, and the list's *Add … to Ads Manager* button adds every "
    "verified code to the project's Ads Manager accounts at once, with a summary when TikTok has answered."
)


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
    if not single and unknown is None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=TIKTOK_FOR_BUSINESS)))
        lines.append(TIKTOK_FOR_BUSINESS)
    if not single:
        tip = f"`{COMMAND} help <command>` shows one command. Only you can see this message."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tip)]))
    return {
        "response_type": "ephemeral",
        "text": "\n".join(lines),
        "blocks": [block.to_dict() for block in blocks],
    }


# buttons of the short start that a bare `/liteproject` answers with
START_LIST = "start_list_projects"
START_BRAND = "start_add_brand"
START_HELP = "start_all_commands"


def render_start(*, create_action_id: str) -> dict[str, Any]:
    """A bare `/liteproject`: the few things a person comes to do, each one button away."""
    steps = [
        ("*Create a lite project*: a brief and an invite link for your creators.", "Create lite project"),
        ("*See your projects*: status, videos and the invite links.", "Your projects"),
        ("*Set up a brand*: creators see it on the invite page (once per brand).", "Add brand"),
        ("*Everything else*: videos, exports, notifications…", "All commands"),
    ]
    actions = [create_action_id, START_LIST, START_BRAND, START_HELP]
    blocks: list[Any] = [
        SectionBlock(
            text=MarkdownTextObject(text="*liteproject* runs your TikTok One lite projects from Slack.")
        ),
    ]
    for (line, label), action_id in zip(steps, actions, strict=True):
        button = ButtonElement(
            text=label, action_id=action_id, style="primary" if action_id == actions[0] else None
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=line), accessory=button))
    tip = f"`{COMMAND} help <command>` explains one command. Only you can see this message."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tip)]))
    text = (
        f"liteproject: `{COMMAND} create` makes a lite project, `{COMMAND} list` shows them, "
        f"`{COMMAND} brand add` sets up a brand, `{COMMAND} help` lists every command."
    )
    return {"response_type": "ephemeral", "text": text, "blocks": [block.to_dict() for block in blocks]}


def render_mistyped(unknown: str, suggestion: HelpEntry | None, *, create_action_id: str) -> dict[str, Any]:
    """A mistyped command: the suggested command's usage alone, or the short start when none is close."""
    lead = f"`{COMMAND} {escape(truncate(unknown, 40))}` isn't a command."
    if suggestion is None:
        start = render_start(create_action_id=create_action_id)
        lead_block = SectionBlock(text=MarkdownTextObject(text=f":thinking_face: {lead}"))
        return {
            **start,
            "text": f"{lead} {start['text']}",
            "blocks": [lead_block.to_dict(), *start["blocks"]],
        }
    lead += f" Did you mean `{COMMAND} {suggestion.name}`?"
    usage = f"`{COMMAND} {suggestion.usage}`\n{suggestion.description}"
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=f":thinking_face: {lead}")),
        SectionBlock(text=MarkdownTextObject(text=truncate(usage, 3000))),
    ]
    return {
        "response_type": "ephemeral",
        "text": f"{lead}\n{COMMAND} {suggestion.usage} — {suggestion.description}",
        "blocks": [block.to_dict() for block in blocks],
    }
