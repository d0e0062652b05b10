"""Queries about linking requests: keyword-only functions that take the session.

The creator page finds a request by its unguessable token; everything else is scoped by workspace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import LinkingRequest, LinkingRequestStatus, LiteProject, Video, VideoStatus


async def get_request_by_token(session: AsyncSession, *, token: str) -> LinkingRequest | None:
    query = select(LinkingRequest).where(col(LinkingRequest.token) == token)
    return (await session.execute(query)).scalar_one_or_none()


async def request_videos(session: AsyncSession, *, linking_request_id: int) -> Sequence[Video]:
    query = select(Video).where(col(Video.linking_request_id) == linking_request_id).order_by(col(Video.id))
    return (await session.execute(query)).scalars().all()


async def claim_answer(
    session: AsyncSession,
    *,
    linking_request_id: int,
    status: LinkingRequestStatus,
    now: dt.datetime,
) -> bool:
    """Answer a pending, unexpired request; False when it was answered (or expired) meanwhile.

    One conditional UPDATE, so two answers sent at once can't both win.
    """
    query = (
        update(LinkingRequest)
        .where(
            col(LinkingRequest.id) == linking_request_id,
            col(LinkingRequest.status) == LinkingRequestStatus.PENDING,
            col(LinkingRequest.expires_at) > now,
        )
        .values(status=status, answered_at=now)
    )
    result = await session.execute(query)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def overdue_requests(session: AsyncSession, *, now: dt.datetime) -> Sequence[LinkingRequest]:
    """Pending requests whose time ran out (across workspaces: the daily job's view)."""
    query = select(LinkingRequest).where(
        col(LinkingRequest.status) == LinkingRequestStatus.PENDING, col(LinkingRequest.expires_at) <= now
    )
    return (await session.execute(query)).scalars().all()


async def expire_request_videos(session: AsyncSession, *, linking_request_id: int) -> int:
    query = (
        update(Video)
        .where(
            col(Video.linking_request_id) == linking_request_id,
            col(Video.status) == VideoStatus.PENDING_AUTHORIZATION,
        )
        .values(status=VideoStatus.EXPIRED)
    )
    result = await session.execute(query)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def projects_with_deadline_between(
    session: AsyncSession, *, first: dt.date, last: dt.date
) -> Sequence[LiteProject]:
    """Active projects (of every workspace) whose deadline falls in [first, last]: the daily job's."""
    query = select(LiteProject).where(
        col(LiteProject.active).is_(True),
        col(LiteProject.deadline) >= first,
        col(LiteProject.deadline) <= last,
    )
    return (await session.execute(query)).scalars().all()
