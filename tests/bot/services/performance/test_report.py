"""A project's figures: totals over every stored day, the chart's days over the last 90, and the
cumulative line starting from what came before."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.performance import sources as s
from bot.services.performance.report import DAILY_DAYS, project_performance
from storage import metrics
from tests.factories import make_project, make_video

TODAY = dt.date(2026, 11, 25)
AS_OF = dt.datetime(2026, 11, 25, 2, tzinfo=dt.UTC)


async def test_totals_cover_every_day_and_the_chart_starts_from_what_came_before(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    old_day = TODAY - dt.timedelta(days=200)
    async with sessions.begin() as session:
        project = await make_project(session)
        video = await make_video(session, project=project)
        assert video.id is not None
        await metrics.upsert_points(
            session,
            points=[
                metrics.MetricPoint(
                    video.id, s.TIKTOK_ONE, s.VIEWS_ORGANIC, old_day, 5000, AS_OF, final=True
                ),
                metrics.MetricPoint(
                    video.id, s.TIKTOK_ONE, s.VIEWS_ORGANIC, TODAY - dt.timedelta(days=3), 40, AS_OF
                ),
                metrics.MetricPoint(
                    video.id, s.TIKTOK_ONE, s.VIEWS_PAID, TODAY - dt.timedelta(days=2), 60, AS_OF
                ),
                metrics.MetricPoint(video.id, s.ADS, s.VIEWS_PAID, TODAY - dt.timedelta(days=2), 999, AS_OF),
            ],
        )
    async with sessions() as session:
        performance = await project_performance(session, project=project, today=TODAY)

    (figures,) = performance.reported
    assert performance.views == 5100  # TikTok One's paid views, not the ads' plays as well
    assert figures.daily_views == {TODAY - dt.timedelta(days=3): 40, TODAY - dt.timedelta(days=2): 60}
    assert min(figures.daily_views) >= TODAY - dt.timedelta(days=DAILY_DAYS)
    assert performance.views_before_daily == 5000
    assert not figures.final  # recent days may still change
