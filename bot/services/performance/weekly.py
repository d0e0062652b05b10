"""The weekly performance summary in each project's thread (subscribable event `performance`).

On Mondays (UTC), from 09:00, each live project with figures for the week that ended gets one
summary: the week's views and their change on the week before, the best new video, and the videos
whose ads spent without a result. A project without figures gets none. The outbox key carries the
week, so the hourly check and several replicas queue it once; the message is drawn from the
stored figures when it is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs.registry import periodic
from bot.services.notices import NoticeKind, queue_notice
from bot.services.performance import sources as s
from bot.services.performance.report import VideoFigures, project_performance
from bot.settings import Settings
from storage import metrics as metric_queries
from storage import outbox as outbox_queries
from storage.models import LiteProject

SEND_WEEKDAY = 0  # Monday
SEND_FROM_HOUR = 9  # UTC


@dataclass
class WeeklySummary:
    link_name: str
    week_start: dt.date
    views: float
    previous_views: float
    spend: float
    best_new: VideoFigures | None
    best_new_views: float
    spending_without_results: list[tuple[VideoFigures, float]] = field(default_factory=list)
    as_of: dt.datetime | None = None

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def change(self) -> float | None:
        """The change on the week before, as a fraction; None when there was nothing to compare."""
        return (self.views - self.previous_views) / self.previous_views if self.previous_views else None


def week_before(today: dt.date) -> dt.date:
    """The Monday of the last full week before `today`."""
    return today - dt.timedelta(days=today.weekday() + 7)


async def weekly_summary(
    session: AsyncSession, *, project: LiteProject, week_start: dt.date
) -> WeeklySummary | None:
    """The summary of the week starting `week_start`, or None when it has no figures."""
    week_end = week_start + dt.timedelta(days=6)
    week = await project_performance(session, project=project, since=week_start, until=week_end)
    if not week.has_data:
        return None
    previous = await project_performance(
        session,
        project=project,
        since=week_start - dt.timedelta(days=7),
        until=week_start - dt.timedelta(days=1),
    )
    before = await project_performance(session, project=project, until=week_start - dt.timedelta(days=1))
    seen_before = {video.video_id for video in before.reported}
    new = [video for video in week.reported if video.video_id not in seen_before]
    best = max(new, key=lambda video: video.views, default=None)
    spending = [
        (video, video.get(s.SPEND))
        for video in week.reported
        if video.get(s.SPEND) > 0 and video.results_known and video.get(s.CONVERSIONS) == 0
    ]
    return WeeklySummary(
        link_name=project.link_name,
        week_start=week_start,
        views=week.views,
        previous_views=previous.views,
        spend=week.total(s.SPEND),
        best_new=best,
        best_new_views=best.views if best else 0.0,
        spending_without_results=sorted(spending, key=lambda pair: -pair[1]),
        as_of=week.as_of,
    )


@periodic("performance_weekly")
async def queue_weekly(session: AsyncSession, now: dt.datetime, settings: Settings) -> int:
    if now.weekday() != SEND_WEEKDAY or now.hour < SEND_FROM_HOUR:
        return 0
    return await queue_weekly_now(session, today=now.date())


async def queue_weekly_now(session: AsyncSession, *, today: dt.date) -> int:
    """Queue last week's summary for every live project that has figures for it."""
    week_start = week_before(today)
    queued = 0
    for project in await metric_queries.live_projects_with_tiktok_videos(session):
        assert project.id is not None
        key = f"performance-weekly:{project.id}:{week_start.isoformat()}"
        # the check runs hourly on Mondays: a project already done this week costs one lookup
        if await outbox_queries.has_outbox_message(session, dedup_key=key):
            continue
        if await weekly_summary(session, project=project, week_start=week_start) is None:
            continue
        queued += await queue_notice(
            session,
            project=project,
            kind=NoticeKind.PERFORMANCE_WEEKLY,
            dedup_key=key,
            week_start=week_start.isoformat(),
        )
    return queued
