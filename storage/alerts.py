"""Queries about the new-video alerts already posted: where each one is, to edit it in place."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import AuditEvent, OutboxMessage, OutboxStatus

DELIVERED_KEY = "video-delivered:{video_id}"
REVIEW_ACTIONS = ("video.approved", "video.rejected")


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
            or_(
                col(OutboxMessage.dedup_key) == key,
                col(OutboxMessage.dedup_key).startswith(f"{key}:", autoescape=True),
            ),
            col(OutboxMessage.status) == OutboxStatus.SENT,
            col(OutboxMessage.slack_ts).is_not(None),
            col(OutboxMessage.digest_key).is_(None),
        )
        .order_by(col(OutboxMessage.id))
    )
    rows = (await session.execute(query)).scalars().all()
    return [row for row in rows if not row.payload.get("dm")]


async def last_reviewer(session: AsyncSession, *, workspace_id: int, video_id: int) -> str | None:
    """Who made the video's latest review decision (approved or rejected), if anyone."""
    query = (
        select(col(AuditEvent.actor))
        .where(
            col(AuditEvent.workspace_id) == workspace_id,
            col(AuditEvent.target_type) == "video",
            col(AuditEvent.target_id) == video_id,
            col(AuditEvent.action).in_(REVIEW_ACTIONS),
        )
        .order_by(col(AuditEvent.id).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def video_alert_unsent(session: AsyncSession, *, workspace_id: int, video_id: int) -> bool:
    """Whether an alert of the video is still waiting to be sent (or being sent)."""
    key = DELIVERED_KEY.format(video_id=video_id)
    query = select(col(OutboxMessage.id)).where(
        col(OutboxMessage.workspace_id) == workspace_id,
        or_(
            col(OutboxMessage.dedup_key) == key,
            col(OutboxMessage.dedup_key).startswith(f"{key}:", autoescape=True),
        ),
        col(OutboxMessage.status) == OutboxStatus.PENDING,
    )
    return (await session.execute(query.limit(1))).first() is not None
