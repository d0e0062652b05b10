"""How notifications are getting through: counts, the latest failures, and retrying them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.workspaces import Actor, workspace_of
from storage import crud
from storage.models import OutboxMessage


@dataclass(frozen=True)
class NotificationStatus:
    pending: int
    sent: int
    failed: int
    recent_failures: Sequence[OutboxMessage]


async def notification_status(session: AsyncSession, *, actor: Actor) -> NotificationStatus:
    workspace = await workspace_of(session, actor)
    assert workspace.id is not None
    counts = await crud.outbox_counts(session, workspace_id=workspace.id)
    failures = await crud.failed_outbox_messages(session, workspace_id=workspace.id)
    return NotificationStatus(
        counts.get("pending", 0), counts.get("sent", 0), counts.get("failed", 0), failures
    )


async def retry_failed(session: AsyncSession, *, actor: Actor) -> int:
    workspace = await workspace_of(session, actor)
    assert workspace.id is not None
    count = await crud.retry_failed_outbox_messages(session, workspace_id=workspace.id)
    if count:
        crud.add_audit_event(
            session,
            workspace_id=workspace.id,
            actor=actor.user_id,
            action="notifications.retried",
            target_type="workspace",
            target_id=workspace.id,
            after={"count": count},
        )
    return count
