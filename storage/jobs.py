"""Queries for the durable job table: keyword-only functions that take the session."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Job, JobState, OEmbedCache, utcnow
from storage.prepared import Prepared
from storage.sql import dialect_insert, insert_for


@dataclass(frozen=True)
class NewJob:
    """A job to queue: a second one with the same key is not queued."""

    kind: str
    key: str
    payload: dict[str, Any]
    workspace_id: int | None = None
    run_at: dt.datetime | None = None

    def row(self) -> dict[str, Any]:
        now = utcnow()
        return {
            "kind": self.kind,
            "key": self.key,
            "workspace_id": self.workspace_id,
            "payload": self.payload,
            "state": JobState.PENDING.value,
            "attempts": 0,
            "next_attempt_at": self.run_at or now,
            "created_at": now,
        }


async def add_job(
    session: AsyncSession,
    *,
    kind: str,
    key: str,
    payload: dict[str, Any],
    workspace_id: int | None = None,
    run_at: dt.datetime | None = None,
) -> bool:
    """Queue a job unless one with the same key exists (whatever its state); True when queued."""
    row = NewJob(kind, key, payload, workspace_id, run_at).row()
    result = await session.execute(_insert_job(session.get_bind().dialect.name), row)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def insert_job(connection: Connection, job: NewJob) -> bool:
    """`add_job` in a write unit (see `storage.writer`)."""
    return bool(_INSERT_JOB.rowcount(connection, job.row()))


@functools.cache
def _insert_job(dialect: str) -> Any:
    """Built once: write units run it many times a second. The table, not the entity: with the
    entity a session would take the parameters for an ORM bulk insert."""
    table = Job.__table__  # type: ignore[attr-defined]
    return dialect_insert(dialect)(table).on_conflict_do_nothing(index_elements=["key"])


# compiled once for write units, with every column `NewJob.row` gives
JOB_KEYS = list(NewJob("", "", {}).row())
_INSERT_JOB = Prepared(lambda dialect: _insert_job(dialect.name), keys=JOB_KEYS)


def _due(now: dt.datetime) -> Any:
    return (
        (col(Job.state) == JobState.PENDING)
        & (col(Job.next_attempt_at) <= now)
        & or_(col(Job.lease_expires_at).is_(None), col(Job.lease_expires_at) <= now)
    )


async def due_job_ids(
    session: AsyncSession, *, kinds: Sequence[str], now: dt.datetime, limit: int
) -> Sequence[tuple[int, str]]:
    """(id, kind) of due jobs without a live lease, oldest due first; locked rows are skipped."""
    query = (
        select(col(Job.id), col(Job.kind))
        .where(_due(now), col(Job.kind).in_(kinds))
        .order_by(col(Job.next_attempt_at), col(Job.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [(int(row[0] or 0), str(row[1])) for row in (await session.execute(query)).all()]


async def take_lease(
    session: AsyncSession, *, job_id: int, owner: str, now: dt.datetime, until: dt.datetime
) -> bool:
    """Take a due job's lease; False when another worker holds it (the condition is the guard)."""
    query = (
        update(Job).where(col(Job.id) == job_id, _due(now)).values(lease_owner=owner, lease_expires_at=until)
    )
    result = await session.execute(query)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def pending_job_with_prefix(
    session: AsyncSession, *, prefix: str, other_than: int | None = None
) -> bool:
    """Whether a job whose key starts with `prefix` waits to run (e.g. a project's next poll)."""
    query = (
        select(col(Job.id))
        .where(
            col(Job.key).startswith(prefix, autoescape=True),
            col(Job.state) == JobState.PENDING,
            col(Job.id) != (other_than or 0),
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None


async def held_job(session: AsyncSession, *, job_id: int, owner: str) -> Job | None:
    """The job, locked, if this worker still holds its lease (else another has taken it over)."""
    query = select(Job).where(
        col(Job.id) == job_id, col(Job.lease_owner) == owner, col(Job.state) == JobState.PENDING
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def prune_finished_jobs(session: AsyncSession, *, finished_before: dt.datetime) -> int:
    """Forget jobs done long ago (parked ones stay until retried: someone should see them)."""
    query = delete(Job).where(col(Job.state) == JobState.DONE, col(Job.finished_at) < finished_before)
    result = await session.execute(query)
    expired = await session.execute(delete(OEmbedCache).where(col(OEmbedCache.expires_at) < finished_before))
    return int(result.rowcount) + int(expired.rowcount)  # type: ignore[attr-defined]


async def job_counts(session: AsyncSession, *, workspace_id: int) -> dict[str, int]:
    query = (
        select(Job.state, func.count()).where(col(Job.workspace_id) == workspace_id).group_by(col(Job.state))
    )
    rows = (await session.execute(query)).all()
    return {str(getattr(state, "value", state)): int(count) for state, count in rows}


async def failed_jobs(session: AsyncSession, *, workspace_id: int, limit: int = 5) -> Sequence[Job]:
    query = (
        select(Job)
        .where(col(Job.workspace_id) == workspace_id, col(Job.state) == JobState.FAILED)
        .order_by(col(Job.id).desc())
        .limit(limit)
    )
    return (await session.execute(query)).scalars().all()


async def retry_failed_jobs(session: AsyncSession, *, workspace_id: int) -> int:
    query = (
        update(Job)
        .where(col(Job.workspace_id) == workspace_id, col(Job.state) == JobState.FAILED)
        .values(state=JobState.PENDING, attempts=0, next_attempt_at=utcnow(), last_error=None)
    )
    result = await session.execute(query)
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- the oEmbed cache -----------------------------------------------------------------------------


async def cached_oembed(session: AsyncSession, *, video_id: str, now: dt.datetime) -> dict[str, Any] | None:
    """TikTok's last answer about a video, if it hasn't expired."""
    row = await session.get(OEmbedCache, video_id)
    if row is None or row.expires_at <= now:
        return None
    return dict(row.answer)


async def store_oembed(
    session: AsyncSession, *, video_id: str, answer: dict[str, Any], now: dt.datetime, expires_at: dt.datetime
) -> None:
    values = {"answer": answer, "fetched_at": now, "expires_at": expires_at}
    insert = insert_for(session)(OEmbedCache).values(video_id=video_id, **values)
    await session.execute(insert.on_conflict_do_update(index_elements=["video_id"], set_=values))


async def pending_job_counts(session: AsyncSession) -> dict[str, int]:
    """Jobs waiting, by kind, across every workspace (for `/metrics`)."""
    query = select(Job.kind, func.count()).where(col(Job.state) == JobState.PENDING).group_by(col(Job.kind))
    rows = (await session.execute(query)).all()
    return {str(kind): int(count) for kind, count in rows}
