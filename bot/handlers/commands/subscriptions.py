"""`/liteproject subscribe|unsubscribe|subscriptions|broadcast`: what this channel hears."""

from __future__ import annotations

from bot.blocks.errors import render_notice
from bot.blocks.subscriptions import render_subscription_list
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of
from bot.services import subscriptions
from bot.services.errors import InvalidInput
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
    channel_id = call.body["channel_id"]
    try:
        async with sessions_of(call.context).begin() as session:
            view = await subscriptions.subscribe(
                session, actor=Actor.from_context(call.context), channel_id=channel_id, text=call.args
            )
    except InvalidInput as invalid:
        await call.respond(**render_notice(invalid.message))
        return
    target = f"“{view.project_name}”" if view.project_name else "all projects"
    creator = f" from @{view.subscription.creator_handle}" if view.subscription.creator_handle else ""
    events = ", ".join(view.subscription.events)
    await call.respond(**render_notice(f"This channel now gets {events} events of {target}{creator}."))


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
    await call.respond(**render_notice(f"This channel no longer gets events of {removed}."))


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
    try:
        async with sessions_of(call.context).begin() as session:
            events = await subscriptions.set_broadcast(
                session,
                actor=Actor.from_context(call.context),
                channel_id=call.body["channel_id"],
                text=call.args,
            )
    except InvalidInput as invalid:
        await call.respond(**render_notice(invalid.message))
        return
    if events:
        sentence = f"In this channel, {', '.join(events)} events are shown in the channel as well as in the card's thread."
    else:
        sentence = "In this channel, project events now stay in each project card's thread."
    await call.respond(**render_notice(sentence))
