"""Queries about the new-video alerts already posted: where each one is, to edit it in place."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import OutboxMessage, OutboxStatus

DELIVERED_KEY = "video-delivered:{video_id}"


async def posted_video_alerts(
    session: AsyncSession, *, workspace_id: int, video_id: int
) -> Sequence[OutboxMessage]:
    """The alerts of one video that reached a channel on their own (not folded into a digest,
    not a direct message, whose ts Slack gave), oldest first."""
    key = DELIVERED_KEY.format(video_id=video_id)
    query = (
        select(OutboxMessage)
        .where(
            col(OutboxMessage.workspace_id) == workspace_id,
            or_(col(OutboxMessage.dedup_key) == key, col(OutboxMessage.dedup_key).like(f"{key}:%")),
            col(OutboxMessage.status) == OutboxStatus.SENT,
            col(OutboxMessage.slack_ts).is_not(None),
            col(OutboxMessage.digest_key).is_(None),
        )
        .order_by(col(OutboxMessage.id))
    )
    rows = (await session.execute(query)).scalars().all()
    return [row for row in rows if not row.payload.get("dm")]


async def video_alert_unsent(session: AsyncSession, *, workspace_id: int, video_id: int) -> bool:
    """Whether an alert of the video is still waiting to be sent (or being sent)."""
    key = DELIVERED_KEY.format(video_id=video_id)
    query = select(col(OutboxMessage.id)).where(
        col(OutboxMessage.workspace_id) == workspace_id,
        or_(col(OutboxMessage.dedup_key) == key, col(OutboxMessage.dedup_key).like(f"{key}:%")),
        col(OutboxMessage.status) == OutboxStatus.PENDING,
    )
    return (await session.execute(query.limit(1))).first() is not None
