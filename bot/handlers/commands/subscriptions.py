"""`/liteproject subscribe|unsubscribe|subscriptions|broadcast`: what this channel hears."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

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
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class ChannelChange(Protocol[T_co]):
    """A service that changes what a channel hears, from the words typed after the subcommand."""

    def __call__(
        self, session: AsyncSession, *, actor: Actor, channel_id: str, text: str
    ) -> Awaitable[T_co]: ...


async def _change_channel(
    call: Invocation, change: ChannelChange[T], render: Callable[[T], dict[str, Any]]
) -> None:
    """One transaction around the change, then its answer; bad input goes to the one error path."""
    await call.ack()
    async with sessions_of(call.context).begin() as session:
        result = await change(
            session,
            actor=Actor.from_context(call.context),
            channel_id=call.body["channel_id"],
            text=call.args,
        )
    await call.respond(**render(result))


@subcommand(
    "subscribe",
    usage="subscribe <project|all> [events] [creator:@handle]",
    description=f"Post a project's events in this channel. Events: {EVENT_LIST}; `-delivered` leaves one out.",
)
async def subscribe(call: Invocation) -> None:
    await _change_channel(call, subscriptions.subscribe, render_subscribed)


@subcommand(
    "unsubscribe", usage="unsubscribe <project|all>", description="Stop posting a project's events here."
)
async def unsubscribe(call: Invocation) -> None:
    await _change_channel(call, subscriptions.unsubscribe, render_unsubscribed)


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
    await _change_channel(call, subscriptions.set_broadcast, render_broadcast)
