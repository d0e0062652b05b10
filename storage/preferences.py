"""Queries for what channels and people chose: subscriptions, user and channel settings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    ChannelSettings,
    Subscription,
    UserSettings,
)


async def subscriptions_for_project(
    session: AsyncSession, *, workspace_id: int, project_id: int
) -> Sequence[Subscription]:
    """Subscriptions to this project, and to all projects of the workspace."""
    query = select(Subscription).where(
        Subscription.workspace_id == workspace_id,
        or_(col(Subscription.project_id).is_(None), col(Subscription.project_id) == project_id),
    )
    return (await session.execute(query)).scalars().all()


async def channel_subscriptions(
    session: AsyncSession, *, workspace_id: int, channel_id: str
) -> Sequence[Subscription]:
    query = (
        select(Subscription)
        .where(Subscription.workspace_id == workspace_id, Subscription.channel_id == channel_id)
        .order_by(col(Subscription.id))
    )
    return (await session.execute(query)).scalars().all()


async def get_user_settings(session: AsyncSession, *, workspace_id: int, user_id: str) -> UserSettings | None:
    query = select(UserSettings).where(
        UserSettings.workspace_id == workspace_id, UserSettings.user_id == user_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get_channel_settings(
    session: AsyncSession, *, workspace_id: int, channel_id: str
) -> ChannelSettings | None:
    query = select(ChannelSettings).where(
        ChannelSettings.workspace_id == workspace_id, ChannelSettings.channel_id == channel_id
    )
    return (await session.execute(query)).scalar_one_or_none()
