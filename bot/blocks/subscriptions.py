"""What a channel hears: its subscriptions, and the answers to subscribe, unsubscribe and broadcast."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.errors import render_line, render_notice
from bot.blocks.text import escape
from bot.services.subscriptions import SubscriptionView


def render_subscription_list(views: Sequence[SubscriptionView]) -> dict[str, Any]:
    if not views:
        text = (
            "This channel has no subscriptions. Projects post to their own channel; "
            "`/liteproject subscribe <project|all>` adds their events here too."
        )
        return render_line(text)
    lines = []
    for view in views[:40]:
        target = f"*{escape(view.project_name)}*" if view.project_name else "*all projects*"
        creator = (
            f" · only @{escape(view.subscription.creator_handle)}" if view.subscription.creator_handle else ""
        )
        lines.append(f"• {target}: {', '.join(view.subscription.events)}{creator}")
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text="*This channel's subscriptions*\n" + "\n".join(lines))),
        ContextBlock(
            elements=[MarkdownTextObject(text="`/liteproject unsubscribe <project|all>` removes one.")]
        ),
    ]
    plain = "\n".join(line.replace("*", "") for line in lines)
    return {"response_type": "ephemeral", "text": plain, "blocks": [block.to_dict() for block in blocks]}


def render_subscribed(view: SubscriptionView) -> dict[str, Any]:
    target = f"“{view.project_name}”" if view.project_name else "all projects"
    creator = f" from @{view.subscription.creator_handle}" if view.subscription.creator_handle else ""
    events = ", ".join(view.subscription.events)
    return render_notice(f"This channel now gets {events} events of {target}{creator}.")


def render_unsubscribed(removed: str) -> dict[str, Any]:
    """`removed`: the project's name, or "all projects"."""
    return render_notice(f"This channel no longer gets events of {removed}.")


def render_broadcast(events: Sequence[str]) -> dict[str, Any]:
    """Which events a project card's thread also shows in this channel, after `broadcast`."""
    if events:
        return render_notice(
            f"In this channel, {', '.join(events)} events are shown in the channel as well as in the card's thread."
        )
    return render_notice("In this channel, project events now stay in each project card's thread.")
