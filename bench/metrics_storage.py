"""How big and how fast the performance time series is on SQLite.

`uv run python -m bench.metrics_storage [--videos 1000] [--metrics 20] [--days 365]` migrates a
fresh SQLite database in a temporary directory, writes one collection per day (every video's every
metric for that day, one transaction, through `storage.metrics.upsert_points`, as the collector
does), re-writes the last day (idempotence: the row count must not change), then reads one
project's series, its figures as `/liteproject performance` reads them, and every video's week. Prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.performance.report import PREFERENCE, project_performance
from storage import metrics
from storage.db import create_engine, create_sessionmaker
from storage.migrate import upgrade
from storage.models import (
    Anchor,
    AnchorKind,
    BrandProfile,
    LiteProject,
    Video,
    VideoSource,
    VideoStatus,
    Workspace,
)

# the app's own metric names first (so the performance read finds its figures), then fillers
METRIC_NAMES = [*PREFERENCE, *(f"metric_{index:02d}" for index in range(100))]
VIDEOS_PER_PROJECT = 50


async def _seed(sessions: async_sessionmaker[AsyncSession], videos: int) -> list[tuple[int, int]]:
    async with sessions.begin() as session:
        workspace = Workspace(team_id="TBENCH")
        session.add(workspace)
        await session.flush()
        assert workspace.id is not None
        brand = BrandProfile(
            workspace_id=workspace.id,
            name="Bench",
            website="https://bench.example",
            contact_email="a@b.co",
            domain="bench.example",
        )
        anchor = Anchor(workspace_id=workspace.id, kind=AnchorKind.WEBPAGE, name="Bench", country="US")
        session.add_all([brand, anchor])
        await session.flush()
        projects = []
        for number in range((videos + VIDEOS_PER_PROJECT - 1) // VIDEOS_PER_PROJECT):
            project = LiteProject(
                workspace_id=workspace.id,
                brand_id=brand.id,  # type: ignore[arg-type]
                authorization_days=30,
                anchor_id=anchor.id,  # type: ignore[arg-type]
                invite_token=f"bench-{number}",
                created_by="U1",
                link_name=f"Bench {number}",
                channel_id="C1",
            )
            session.add(project)
            projects.append(project)
        await session.flush()
        rows = [
            {
                "workspace_id": workspace.id,
                "project_id": projects[index // VIDEOS_PER_PROJECT].id,
                "video_key": str(7300000000000000000 + index),
                "tiktok_video_id": str(7300000000000000000 + index),
                "url": f"https://www.tiktok.com/@c/video/{7300000000000000000 + index}",
                "creator_handle": "c",
                "source": VideoSource.INVITE_LINK,
                "status": VideoStatus.DELIVERED,
                "delivered_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            }
            for index in range(videos)
        ]
        await session.execute(insert(Video), rows)
        found = await session.execute(Video.__table__.select().with_only_columns(Video.id, Video.project_id))  # type: ignore[attr-defined]
        return [(row[0], row[1]) for row in found.all()]


async def run(videos: int, metric_count: int, days: int, path: Path) -> dict[str, object]:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    sessions = create_sessionmaker(engine)
    pairs = await _seed(sessions, videos)
    names = METRIC_NAMES[:metric_count]
    random.seed(18)
    first = dt.date(2026, 1, 1)
    day_times: list[float] = []
    began = time.perf_counter()
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        as_of = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2), dt.UTC)
        points = [
            metrics.MetricPoint(video_id, "tiktok_one", name, day, float(random.randint(0, 5000)), as_of)
            for video_id, _project in pairs
            for name in names
        ]
        start = time.perf_counter()
        async with sessions.begin() as session:
            await metrics.upsert_points(session, points=points)
        day_times.append(time.perf_counter() - start)
    write_total = time.perf_counter() - began
    async with sessions() as session:
        rows_before = await metrics.count_points(session)
    start = time.perf_counter()
    async with sessions.begin() as session:
        await metrics.upsert_points(session, points=points)
    rewrite = time.perf_counter() - start
    async with sessions() as session:
        rows_after = await metrics.count_points(session)
        project_id = pairs[0][1]
        start = time.perf_counter()
        project_rows = await metrics.project_series(session, project_id=project_id)
        read_project = time.perf_counter() - start
        project = await session.get(LiteProject, project_id)
        assert project is not None
        start = time.perf_counter()
        performance = await project_performance(
            session, project=project, today=first + dt.timedelta(days=days)
        )
        read_performance = time.perf_counter() - start
        start = time.perf_counter()
        week = await metrics.totals(
            session,
            video_ids=[video_id for video_id, _ in pairs],
            since=first + dt.timedelta(days=days - 7),
        )
        read_week = time.perf_counter() - start
    await engine.dispose()
    size = sum(file.stat().st_size for file in path.parent.glob(path.name + "*"))
    day_times.sort()
    return {
        "videos": videos,
        "metrics": metric_count,
        "days": days,
        "rows": rows_before,
        "rows_after_rewriting_a_day": rows_after,
        "size_bytes": size,
        "bytes_per_row": round(size / max(rows_before, 1), 1),
        "write_total_s": round(write_total, 1),
        "write_one_day_median_s": round(day_times[len(day_times) // 2], 3),
        "write_one_day_max_s": round(day_times[-1], 3),
        "rewrite_one_day_s": round(rewrite, 3),
        "read_one_project_series_s": round(read_project, 3),
        "read_one_project_series_rows": len(project_rows),
        "read_one_project_performance_s": round(read_performance, 3),
        "read_one_project_performance_videos": len(performance.reported),
        "read_week_totals_all_videos_s": round(read_week, 3),
        "read_week_totals_keys": len(week),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--videos", type=int, default=1000)
    parser.add_argument("--metrics", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "metrics.db"
        upgrade(f"sqlite+aiosqlite:///{path}")  # alembic runs its own event loop
        result = asyncio.run(run(args.videos, args.metrics, args.days, path))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
