"""A job names the rows it is about by id: queueing such a job, and reading the rows back in its handler.

A job runs after its transaction has committed, maybe much later and on another replica: the rows
it names may have changed or gone by then, so a handler reads them again (and returns quietly when
they are gone) both before its outside call and in `run.finish()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs import NewJob, enqueue, enqueue_in_unit
from bot.jobs.registry import JobRun
from bot.services.audit import TARGET_TYPES
from storage.models import Anchor, BrandProfile, LiteProject, Video, utcnow

Named = LiteProject | Video | BrandProfile | Anchor
# a row travels in a payload as `<the word it goes by>_id` ("project_id", "brand_id", ...)
PAYLOAD_KEYS = {model: f"{word}_id" for model, word in TARGET_TYPES.items()}


def job_about(row: Named, *, kind: str, key: str, run_in: float | None = None, **extra: Any) -> NewJob:
    """A job about `row`: its id in the payload (with `extra`), to run now or in `run_in` seconds."""
    assert row.id is not None
    return NewJob(
        kind=kind,
        key=key,
        payload={PAYLOAD_KEYS[type(row)]: row.id, **extra},
        workspace_id=row.workspace_id,
        run_at=None if run_in is None else utcnow() + dt.timedelta(seconds=run_in),
    )


async def queue_about(
    session: AsyncSession, row: Named, *, kind: str, key: str, run_in: float | None = None, **extra: Any
) -> bool:
    """Queue a job about `row` (see `job_about`) in the caller's transaction; a job with the same key
    is not queued twice."""
    return await enqueue(session, **asdict(job_about(row, kind=kind, key=key, run_in=run_in, **extra)))


def queue_about_in_unit(connection: Connection, row: Named, *, kind: str, key: str, **extra: Any) -> bool:
    """`queue_about` in a write unit (see `storage.writer`)."""
    return enqueue_in_unit(connection, job_about(row, kind=kind, key=key, **extra))


def payload_id(run: JobRun, name: str) -> int | None:
    """The id the job's payload carries under `name`; None when it carries none (nothing to do)."""
    value = run.payload.get(name)
    return value if isinstance(value, int) else None


async def video_and_project(session: AsyncSession, *, video_id: int) -> tuple[Video, LiteProject] | None:
    """The video and its project, or None when the video is gone."""
    video = await session.get(Video, video_id)
    project = await session.get(LiteProject, video.project_id) if video is not None else None
    return (video, project) if video is not None and project is not None else None
