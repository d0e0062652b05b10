"""How sends to Slack are getting through: counts, the latest failures, and retrying them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.workspaces import Actor, workspace_id_of
from storage import audit as audit_queries
from storage import jobs as job_queries
from storage import outbox as outbox_queries
from storage.models import Job, OutboxMessage


@dataclass(frozen=True)
class SendStatus:
    pending: int
    sent: int
    failed: int
    recent_failures: Sequence[OutboxMessage]
    # background jobs (TikTok lookups…): waiting, and parked after their last try
    jobs_pending: int = 0
    jobs_failed: int = 0
    job_failures: Sequence[Job] = field(default_factory=list)


async def summary(session: AsyncSession, *, actor: Actor) -> SendStatus:
    workspace_id = await workspace_id_of(session, actor)
    counts = await outbox_queries.outbox_counts(session, workspace_id=workspace_id)
    failures = await outbox_queries.failed_outbox_messages(session, workspace_id=workspace_id)
    jobs = await job_queries.job_counts(session, workspace_id=workspace_id)
    job_failures = await job_queries.failed_jobs(session, workspace_id=workspace_id)
    return SendStatus(
        counts.get("pending", 0),
        counts.get("sent", 0),
        counts.get("failed", 0),
        failures,
        jobs_pending=jobs.get("pending", 0),
        jobs_failed=jobs.get("failed", 0),
        job_failures=job_failures,
    )


async def retry_failed(session: AsyncSession, *, actor: Actor) -> int:
    workspace_id = await workspace_id_of(session, actor)
    count = await outbox_queries.retry_failed_outbox_messages(session, workspace_id=workspace_id)
    count += await job_queries.retry_failed_jobs(session, workspace_id=workspace_id)
    if count:
        audit_queries.add_audit_event(
            session,
            workspace_id=workspace_id,
            actor=actor.user_id,
            action="notifications.retried",
            target_type="workspace",
            target_id=workspace_id,
            after={"count": count},
        )
    return count
