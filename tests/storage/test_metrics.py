"""The performance time series: idempotent by key, gaps stay gaps, final figures stay put."""

from __future__ import annotations

import datetime as dt

from storage import metrics
from storage.db import create_engine, create_sessionmaker
from tests.factories import make_project, make_video

AS_OF = dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 1)


async def test_points_upsert_by_key_and_final_figures_are_kept(database_url: str) -> None:
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        project = await make_project(session)
        video = await make_video(session, project=project)
        assert video.id is not None
        video_id = video.id
        points = [
            metrics.MetricPoint(video_id, "ads", "spend", DAY, 10.5, AS_OF),
            metrics.MetricPoint(video_id, "ads", "spend", DAY + dt.timedelta(days=2), 4.0, AS_OF),
            metrics.MetricPoint(video_id, "tiktok_one", "views_organic", DAY, 100, AS_OF, final=True),
        ]
        await metrics.upsert_points(session, points=points)
    later = AS_OF + dt.timedelta(days=1)
    async with sessions.begin() as session:
        await metrics.upsert_points(
            session,
            points=[
                metrics.MetricPoint(video_id, "ads", "spend", DAY, 12.0, later),
                metrics.MetricPoint(video_id, "tiktok_one", "views_organic", DAY, 999, later),
            ],
        )
    async with sessions() as session:
        rows = await metrics.series(session, video_ids=[video_id])
        total = await metrics.totals(session, video_ids=[video_id])
        count = await metrics.count_points(session)
    await engine.dispose()

    assert count == 3  # the re-run overwrote; the missing day (DAY + 1) is not a zero row
    assert [row.day for row in rows if row.metric == "spend"] == [DAY, DAY + dt.timedelta(days=2)]
    assert total[(video_id, "ads", "spend")] == 16.0
    assert total[(video_id, "tiktok_one", "views_organic")] == 100  # final: the late 999 is refused
    frozen = next(row for row in rows if row.metric == "views_organic")
    assert frozen.final and frozen.as_of == AS_OF
