"""Every job kind and periodic enqueuer: importing this registers them with the runner."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs.registry import periodic
from bot.services import (
    spark_checks,  # noqa: F401 - registers the spark-code checks, Ads Manager
    tiktok_one_assets,  # noqa: F401 - registers TikTok One's brand profiles and anchors
    tiktok_one_sync,  # noqa: F401 - registers the TikTok One jobs
    video_lookups,  # noqa: F401 - registers the oEmbed lookups
)
from bot.services.performance import charts, collector, weekly  # noqa: F401 - performance
from bot.settings import Settings
from storage import jobs as job_queries

KEEP_FINISHED = dt.timedelta(days=30)


@periodic("prune_jobs")
async def prune_jobs(session: AsyncSession, now: dt.datetime, settings: Settings) -> int:
    """Jobs done a month ago and expired cached answers are forgotten (returns 0: it queues nothing)."""
    await job_queries.prune_finished_jobs(session, finished_before=now - KEEP_FINISHED)
    return 0
