"""Who hears what: channel subscriptions, broadcast choices and personal action DMs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import record_event
from bot.services.errors import InvalidInput, NotFound
from bot.services.notices import DEFAULT_BROADCAST, EVENTS
from bot.services.projects import find_project
from bot.services.validation import is_channel_id
from bot.services.workspaces import Actor, workspace_id_of
from storage import preferences as preference_queries
from storage import projects as project_queries
from storage.models import ChannelSettings, Subscription, UserSettings, utcnow

HANDLE = re.compile(r"^[a-z0-9_.]{2,24}$")
VALID_EVENTS = ", ".join(EVENTS)


@dataclass(frozen=True)
class Filters:
    events: list[str]
    creator_handle: str | None = None


def is_filter_token(token: str) -> bool:
    if token.lower().startswith("creator:"):
        return True
    parts = [part for part in token.lower().split(",") if part]
    return bool(parts) and all(part.lstrip("-+") in EVENTS or part.startswith("-") for part in parts)


def parse_filters(tokens: Sequence[str]) -> Filters:
    """`delivered,paused`, `-delivered`, `creator:@handle` → the events kept and the creator."""
    wanted: list[str] = []
    unwanted: set[str] = set()
    creator: str | None = None
    for token in tokens:
        if token.lower().startswith("creator:"):
            handle = token.split(":", 1)[1].lstrip("@").lower()
            if not HANDLE.match(handle) or handle.endswith("."):
                raise InvalidInput({"creator": f"“{token}” isn't a TikTok handle; use creator:@handle."})
            creator = handle
            continue
        for part in filter(None, token.lower().split(",")):
            name = part.lstrip("-+")
            if name not in EVENTS:
                raise InvalidInput({"events": f"“{part}” isn't an event. Valid events: {VALID_EVENTS}."})
            if part.startswith("-"):
                unwanted.add(name)
            elif name not in wanted:
                wanted.append(name)
    base = wanted or list(EVENTS)
    events = [event for event in base if event not in unwanted]
    if not events:
        raise InvalidInput({"events": f"Those filters leave no events. Valid events: {VALID_EVENTS}."})
    return Filters(events=events, creator_handle=creator)


@dataclass(frozen=True)
class SubscriptionView:
    subscription: Subscription
    project_name: str | None  # None: all projects


async def subscribe(session: AsyncSession, *, actor: Actor, channel_id: str, text: str) -> SubscriptionView:
    """`<project|all> [events] [creator:@handle]`; subscribing again replaces the filters."""
    if not is_channel_id(channel_id):
        raise InvalidInput({"channel": "Subscribe from the channel that should get the events."})
    tokens = text.split()
    if not tokens:
        raise InvalidInput({"project": "Say which project, or all: `/liteproject subscribe all -delivered`."})
    split = len(tokens)
    while split > 1 and is_filter_token(tokens[split - 1]):
        split -= 1
    target, filter_tokens = tokens[:split], tokens[split:]
    if target[0].lower() == "all" and len(target) > 1:
        raise InvalidInput(
            {"events": f"“{' '.join(target[1:])}” isn't a filter. Valid events: {VALID_EVENTS}."}
        )
    filters = parse_filters(filter_tokens)
    workspace_id = await workspace_id_of(session, actor)
    project = None
    if target[0].lower() != "all":
        project = await find_project(session, actor=actor, name=" ".join(target))
    existing = [
        subscription
        for subscription in await preference_queries.channel_subscriptions(
            session, workspace_id=workspace_id, channel_id=channel_id
        )
        if subscription.project_id == (project.id if project else None)
    ]
    subscription = (
        existing[0]
        if existing
        else Subscription(
            workspace_id=workspace_id,
            channel_id=channel_id,
            project_id=project.id if project else None,
            created_by=actor.user_id,
        )
    )
    subscription.events = filters.events
    subscription.creator_handle = filters.creator_handle
    session.add(subscription)
    await session.flush()
    after = {"channel_id": channel_id, "events": filters.events, "creator": filters.creator_handle}
    record_event(session, subscription, actor=actor.user_id, action="subscription.saved", after=after)
    return SubscriptionView(subscription, project.link_name if project else None)


async def unsubscribe(session: AsyncSession, *, actor: Actor, channel_id: str, text: str) -> str:
    """Remove this channel's subscription to a project (or to all); returns what was removed."""
    target = text.strip()
    if not target:
        raise InvalidInput({"project": "Say which project, or all: `/liteproject unsubscribe all`."})
    workspace_id = await workspace_id_of(session, actor)
    project = None if target.lower() == "all" else await find_project(session, actor=actor, name=target)
    for subscription in await preference_queries.channel_subscriptions(
        session, workspace_id=workspace_id, channel_id=channel_id
    ):
        if subscription.project_id == (project.id if project else None):
            before = {"channel_id": channel_id, "events": subscription.events}
            record_event(
                session, subscription, actor=actor.user_id, action="subscription.removed", before=before
            )
            await session.delete(subscription)
            return project.link_name if project else "all projects"
    raise NotFound(
        "This channel isn't subscribed to that. `/liteproject subscriptions` lists what it follows."
    )


async def list_subscriptions(
    session: AsyncSession, *, actor: Actor, channel_id: str
) -> list[SubscriptionView]:
    workspace_id = await workspace_id_of(session, actor)
    views = []
    for subscription in await preference_queries.channel_subscriptions(
        session, workspace_id=workspace_id, channel_id=channel_id
    ):
        name = None
        if subscription.project_id is not None:
            project = await project_queries.get_project(
                session, workspace_id=workspace_id, project_id=subscription.project_id
            )
            name = project.link_name if project else "(deleted project)"
        views.append(SubscriptionView(subscription, name))
    return views


async def set_broadcast(session: AsyncSession, *, actor: Actor, channel_id: str, text: str) -> list[str]:
    """Which events also show in the channel (not only in the card's thread): events, `off` or `default`."""
    choice = text.strip().lower()
    if choice in ("off", "none"):
        events: list[str] = []
    elif choice in ("", "default"):
        events = list(DEFAULT_BROADCAST)
    else:
        events = parse_filters(choice.replace(" ", ",").split(",")).events
    workspace_id = await workspace_id_of(session, actor)
    settings = await preference_queries.get_channel_settings(
        session, workspace_id=workspace_id, channel_id=channel_id
    )
    if settings is None:
        settings = ChannelSettings(workspace_id=workspace_id, channel_id=channel_id, broadcast_events=events)
    settings.broadcast_events = events
    settings.updated_by = actor.user_id
    settings.updated_at = utcnow()
    session.add(settings)
    return events


async def broadcast_events(session: AsyncSession, *, workspace_id: int, channel_id: str) -> Sequence[str]:
    settings = await preference_queries.get_channel_settings(
        session, workspace_id=workspace_id, channel_id=channel_id
    )
    return settings.broadcast_events if settings is not None else DEFAULT_BROADCAST


async def action_dms_enabled(session: AsyncSession, *, actor: Actor) -> bool:
    workspace_id = await workspace_id_of(session, actor)
    settings = await preference_queries.get_user_settings(
        session, workspace_id=workspace_id, user_id=actor.user_id
    )
    return bool(settings and settings.action_dms)


async def set_action_dms(session: AsyncSession, *, actor: Actor, enabled: bool) -> None:
    workspace_id = await workspace_id_of(session, actor)
    settings = await preference_queries.get_user_settings(
        session, workspace_id=workspace_id, user_id=actor.user_id
    )
    if settings is None:
        settings = UserSettings(workspace_id=workspace_id, user_id=actor.user_id)
    settings.action_dms = enabled
    settings.updated_at = utcnow()
    session.add(settings)
