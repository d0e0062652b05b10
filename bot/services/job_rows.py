"""A job names the rows it is about by id: queueing such a job, and reading the rows back in its handler.

A job runs after its transaction has committed, maybe much later and on another replica: the rows
it names may have changed or gone by then, so a handler reads them again (and returns quietly when
they are gone) both before its outside call and in `run.finish()`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs import enqueue
from bot.jobs.registry import JobRun
from bot.services.audit import TARGET_TYPES
from storage.models import Anchor, BrandProfile, LiteProject, Video, utcnow

Named = LiteProject | Video | BrandProfile | Anchor
# a row travels in a payload as `<the word it goes by>_id` ("project_id", "brand_id", ...)
PAYLOAD_KEYS = {model: f"{word}_id" for model, word in TARGET_TYPES.items()}


async def queue_about(
    session: AsyncSession,
    row: Named,
    *,
    kind: str,
    key: str,
    run_in: float | None = None,
    **extra: Any,
) -> bool:
    """Queue a job about `row` (its id in the payload, with `extra`) in the caller's transaction,
    to run now or in `run_in` seconds; a job with the same key is not queued twice."""
    assert row.id is not None
    return await enqueue(
        session,
        kind=kind,
        key=key,
        payload={PAYLOAD_KEYS[type(row)]: row.id, **extra},
        workspace_id=row.workspace_id,
        run_at=None if run_in is None else utcnow() + dt.timedelta(seconds=run_in),
    )


def payload_id(run: JobRun, name: str) -> int | None:
    """The id the job's payload carries under `name`; None when it carries none (nothing to do)."""
    value = run.payload.get(name)
    return value if isinstance(value, int) else None


async def video_and_project(session: AsyncSession, *, video_id: int) -> tuple[Video, LiteProject] | None:
    """The video and its project, or None when the video is gone."""
    video = await session.get(Video, video_id)
    project = await session.get(LiteProject, video.project_id) if video is not None else None
    return (video, project) if video is not None and project is not None else None
