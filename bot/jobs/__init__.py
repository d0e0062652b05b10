"""Durable jobs: calls to outside services, written with the change that needs them.

`enqueue` in the caller's transaction (`enqueue_in_unit` in a write unit's); `bot.jobs.runner.JobRunner` runs them inside `serve`.
Job kinds register themselves with `@job_kind` (see registry) when their module is imported:
`bot.jobs.kinds` imports them all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs.registry import GiveUp, JobRun, RetryLater, job_kind
from storage import jobs as job_queries
from storage.jobs import NewJob

__all__ = ["GiveUp", "JobRun", "NewJob", "RetryLater", "enqueue", "enqueue_in_unit", "job_kind"]


async def enqueue(
    session: AsyncSession,
    *,
    kind: str,
    key: str,
    payload: dict[str, Any],
    workspace_id: int | None = None,
    run_at: dt.datetime | None = None,
) -> bool:
    """Queue a job in the caller's transaction; a second job with the same key is not queued."""
    return await job_queries.add_job(
        session, kind=kind, key=key, payload=payload, workspace_id=workspace_id, run_at=run_at
    )


def enqueue_in_unit(connection: Connection, job: NewJob) -> bool:
    """`enqueue` in a write unit's transaction (see `storage.writer`): the same row, the same rule."""
    return job_queries.insert_job(connection, job)
