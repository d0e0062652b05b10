"""`/liteproject subscribe|unsubscribe|subscriptions|broadcast`: what this channel hears."""

from __future__ import annotations

from bot.blocks.subscriptions import (
    render_broadcast,
    render_subscribed,
    render_subscription_list,
    render_unsubscribed,
)
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of
from bot.services import subscriptions
from bot.services.notices import EVENTS
from bot.services.workspaces import Actor

EVENT_LIST = ", ".join(EVENTS)


@subcommand(
    "subscribe",
    usage="subscribe <project|all> [events] [creator:@handle]",
    description=f"Post a project's events in this channel. Events: {EVENT_LIST}; `-delivered` leaves one out.",
)
async def subscribe(call: Invocation) -> None:
    await call.ack()
    async with sessions_of(call.context).begin() as session:
        view = await subscriptions.subscribe(
            session,
            actor=Actor.from_context(call.context),
            channel_id=call.body["channel_id"],
            text=call.args,
        )
    await call.respond(**render_subscribed(view))


@subcommand(
    "unsubscribe", usage="unsubscribe <project|all>", description="Stop posting a project's events here."
)
async def unsubscribe(call: Invocation) -> None:
    await call.ack()
    async with sessions_of(call.context).begin() as session:
        removed = await subscriptions.unsubscribe(
            session,
            actor=Actor.from_context(call.context),
            channel_id=call.body["channel_id"],
            text=call.args,
        )
    await call.respond(**render_unsubscribed(removed))


@subcommand("subscriptions", usage="subscriptions", description="What this channel is subscribed to.")
async def list_subscriptions(call: Invocation) -> None:
    await call.ack()
    async with sessions_of(call.context)() as session:
        views = await subscriptions.list_subscriptions(
            session, actor=Actor.from_context(call.context), channel_id=call.body["channel_id"]
        )
    await call.respond(**render_subscription_list(views))


@subcommand(
    "broadcast",
    usage="broadcast [events|off|default]",
    description="Which events in a project card's thread are also shown in this channel.",
)
async def set_broadcast(call: Invocation) -> None:
    await call.ack()
    async with sessions_of(call.context).begin() as session:
        events = await subscriptions.set_broadcast(
            session,
            actor=Actor.from_context(call.context),
            channel_id=call.body["channel_id"],
            text=call.args,
        )
    await call.respond(**render_broadcast(events))
