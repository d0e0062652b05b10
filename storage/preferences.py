"""Queries for what channels and people chose: subscriptions, user and channel settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, literal, null, or_, union_all
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    ChannelSettings,
    ProjectManager,
    Subscription,
    UserSettings,
)
from storage.prepared import Prepared


async def subscriptions_for_project(
    session: AsyncSession, *, workspace_id: int, project_id: int
) -> Sequence[Subscription]:
    """Subscriptions to this project, and to all projects of the workspace."""
    query = select(Subscription).where(
        col(Subscription.workspace_id) == workspace_id,
        or_(col(Subscription.project_id).is_(None), col(Subscription.project_id) == project_id),
    )
    return (await session.execute(query)).scalars().all()


async def channel_subscriptions(
    session: AsyncSession, *, workspace_id: int, channel_id: str
) -> Sequence[Subscription]:
    query = (
        select(Subscription)
        .where(col(Subscription.workspace_id) == workspace_id, col(Subscription.channel_id) == channel_id)
        .order_by(col(Subscription.id))
    )
    return (await session.execute(query)).scalars().all()


async def get_user_settings(session: AsyncSession, *, workspace_id: int, user_id: str) -> UserSettings | None:
    query = select(UserSettings).where(
        col(UserSettings.workspace_id) == workspace_id, col(UserSettings.user_id) == user_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get_channel_settings(
    session: AsyncSession, *, workspace_id: int, channel_id: str
) -> ChannelSettings | None:
    query = select(ChannelSettings).where(
        col(ChannelSettings.workspace_id) == workspace_id, col(ChannelSettings.channel_id) == channel_id
    )
    return (await session.execute(query)).scalar_one_or_none()


@dataclass(frozen=True)
class SubscriptionRow:
    channel_id: str
    project_id: int | None
    events: list[str]
    creator_handle: str | None


@dataclass(frozen=True)
class Recipients:
    subscriptions: list[SubscriptionRow]  # to this project, and to all projects of the workspace
    dm_users: list[str]  # the owner, then the managers, who want direct messages


def delivery_recipients(
    connection: Connection, *, workspace_id: int, project_id: int, owner: str
) -> Recipients:
    """Who hears of a delivery besides the project's channel, in one query."""
    params = {"workspace_id": workspace_id, "project_id": project_id, "owner": owner}
    rows = _RECIPIENTS.rows(connection, params)
    return recipients_of(
        [
            (row.channel_id, row.project_id, row.events, row.creator_handle)
            for row in rows
            if row.what == "subscription"
        ],
        [row.channel_id for row in rows if row.what == "dm"],
        owner=owner,
    )


def recipients_of(
    subscriptions: Sequence[tuple[Any, ...]], users: Sequence[str], *, owner: str
) -> Recipients:
    """`Recipients` of the rows read: each subscription's (channel, project, events, creator handle),
    and the users who want direct messages (the owner first, then the others by id)."""
    wanting = set(users)
    return Recipients(
        subscriptions=[
            SubscriptionRow(channel_id, project_id, events or [], creator_handle)
            for channel_id, project_id, events, creator_handle in subscriptions
        ],
        dm_users=([owner] if owner in wanting else []) + sorted(wanting - {owner}),
    )


# built once: write units run it many times a second
def _recipients() -> Any:
    columns: list[Any] = [
        literal("subscription", String()).label("what"),
        col(Subscription.channel_id).label("channel_id"),
        col(Subscription.project_id).label("project_id"),
        col(Subscription.events).label("events"),
        col(Subscription.creator_handle).label("creator_handle"),
    ]
    subscriptions = sa_select(*columns).where(
        col(Subscription.workspace_id) == bindparam("workspace_id"),
        or_(col(Subscription.project_id).is_(None), col(Subscription.project_id) == bindparam("project_id")),
    )
    managers = sa_select(col(ProjectManager.user_id)).where(
        col(ProjectManager.project_id) == bindparam("project_id")
    )
    wanting_dms = sa_select(literal("dm", String()), col(UserSettings.user_id), null(), null(), null()).where(
        col(UserSettings.workspace_id) == bindparam("workspace_id"),
        col(UserSettings.action_dms).is_(True),
        or_(col(UserSettings.user_id) == bindparam("owner"), col(UserSettings.user_id).in_(managers)),
    )
    return union_all(subscriptions, wanting_dms)


_RECIPIENTS = Prepared(_recipients())
