"""Queries about videos: keyword-only functions that take the session.

Lookups a Slack user asks for are scoped by workspace_id; the creator pages find the project by
its unguessable invite token first and then ask by project.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import Video


async def get_video_by_key(session: AsyncSession, *, project_id: int, video_key: str) -> Video | None:
    query = select(Video).where(col(Video.project_id) == project_id, col(Video.video_key) == video_key)
    return (await session.execute(query)).scalar_one_or_none()


async def get_video(session: AsyncSession, *, workspace_id: int, video_id: int) -> Video | None:
    query = select(Video).where(col(Video.workspace_id) == workspace_id, col(Video.id) == video_id)
    return (await session.execute(query)).scalar_one_or_none()


async def get_video_for_update(session: AsyncSession, *, workspace_id: int, video_id: int) -> Video | None:
    query = (
        select(Video)
        .where(col(Video.workspace_id) == workspace_id, col(Video.id) == video_id)
        .with_for_update()
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_project_videos(
    session: AsyncSession, *, workspace_id: int, project_id: int, limit: int = 50
) -> Sequence[Video]:
    """Newest delivery first."""
    query = (
        select(Video)
        .where(col(Video.workspace_id) == workspace_id, col(Video.project_id) == project_id)
        .order_by(col(Video.delivered_at).desc(), col(Video.id).desc())
        .limit(limit)
    )
    return (await session.execute(query)).scalars().all()


async def count_project_videos(session: AsyncSession, *, workspace_id: int, project_id: int) -> int:
    query = (
        select(func.count())
        .select_from(Video)
        .where(col(Video.workspace_id) == workspace_id, col(Video.project_id) == project_id)
    )
    return int((await session.execute(query)).scalar_one())
