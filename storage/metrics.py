"""Queries for the performance time series (`video_metrics`).

The bulk write is one SQLAlchemy Core `INSERT … ON CONFLICT (key) DO UPDATE` per chunk, which both
SQLite and PostgreSQL understand: re-collecting a day overwrites it, and a figure already marked
final is never overwritten (TikTok stopped revising it; a late answer must not undo that).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import LiteProject, Video, VideoMetric
from storage.sql import dialect_insert

TABLE: Table = VideoMetric.__table__  # type: ignore[attr-defined]
CHUNK = 500  # rows per statement: 7 parameters each stays far below SQLite's variable limit


@dataclass(frozen=True)
class MetricPoint:
    """One figure of one video for one day, as stored and as read back."""

    video_id: int
    source: str
    metric: str
    day: dt.date
    value: float
    as_of: dt.datetime
    final: bool = False


async def upsert_points(session: AsyncSession, *, points: Iterable[MetricPoint]) -> int:
    """Store the points (idempotent by video, source, metric and day); returns how many were sent."""
    dialect = session.get_bind().dialect.name
    rows = [
        {
            "video_id": point.video_id,
            "source": point.source,
            "metric": point.metric,
            "day": point.day,
            "value": float(point.value),
            "as_of": point.as_of,
            "final": point.final,
        }
        for point in points
    ]
    for start in range(0, len(rows), CHUNK):
        statement = dialect_insert(dialect)(TABLE).values(rows[start : start + CHUNK])
        statement = statement.on_conflict_do_update(
            index_elements=["video_id", "source", "metric", "day"],
            set_={
                "value": statement.excluded.value,
                "as_of": statement.excluded.as_of,
                "final": statement.excluded.final,
            },
            where=TABLE.c.final.is_(False),
        )
        await session.execute(statement)
    return len(rows)


def _figures_of(
    video_ids: Sequence[int], *, metrics: Sequence[str] | None, since: dt.date | None, until: dt.date | None
) -> ColumnElement[bool]:
    """The stored figures of these videos (of these metrics, between these days, when given)."""
    conditions: list[ColumnElement[bool]] = [TABLE.c.video_id.in_(list(video_ids))]
    if metrics is not None:
        conditions.append(TABLE.c.metric.in_(list(metrics)))
    if since is not None:
        conditions.append(TABLE.c.day >= since)
    if until is not None:
        conditions.append(TABLE.c.day <= until)
    return and_(*conditions)


async def series(
    session: AsyncSession,
    *,
    video_ids: Sequence[int],
    metrics: Sequence[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[MetricPoint]:
    """Every stored figure of these videos, oldest day first (gaps are simply absent)."""
    if not video_ids:
        return []
    where = _figures_of(video_ids, metrics=metrics, since=since, until=until)
    query = select(TABLE).where(where).order_by(TABLE.c.day, TABLE.c.video_id)
    return [
        MetricPoint(row.video_id, row.source, row.metric, row.day, row.value, row.as_of, row.final)
        for row in (await session.execute(query)).all()
    ]


async def project_series(
    session: AsyncSession,
    *,
    project_id: int,
    metrics: Sequence[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[MetricPoint]:
    videos: Table = Video.__table__  # type: ignore[attr-defined]
    query = select(videos.c.id).where(videos.c.project_id == project_id)
    video_ids = (await session.execute(query)).scalars().all()
    return await series(
        session, video_ids=[v for v in video_ids if v is not None], metrics=metrics, since=since, until=until
    )


async def totals(
    session: AsyncSession,
    *,
    video_ids: Sequence[int],
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[tuple[int, str, str], float]:
    """Sum per (video, source, metric) over the days stored."""
    if not video_ids:
        return {}
    query = (
        select(TABLE.c.video_id, TABLE.c.source, TABLE.c.metric, func.sum(TABLE.c.value))
        .where(_figures_of(video_ids, metrics=None, since=since, until=until))
        .group_by(TABLE.c.video_id, TABLE.c.source, TABLE.c.metric)
    )
    return {(row[0], row[1], row[2]): float(row[3]) for row in (await session.execute(query)).all()}


async def latest_days(session: AsyncSession, *, video_ids: Sequence[int]) -> dict[int, dt.datetime]:
    """When each video's figures were last given by TikTok (its newest `as_of`)."""
    if not video_ids:
        return {}
    query = (
        select(TABLE.c.video_id, func.max(TABLE.c.as_of))
        .where(TABLE.c.video_id.in_(list(video_ids)))
        .group_by(TABLE.c.video_id)
    )
    return {row[0]: row[1] for row in (await session.execute(query)).all() if row[1] is not None}


async def count_points(session: AsyncSession, *, video_ids: Sequence[int] | None = None) -> int:
    query = select(func.count()).select_from(TABLE)
    if video_ids is not None:
        query = query.where(TABLE.c.video_id.in_(list(video_ids)))
    return int((await session.execute(query)).scalar_one())


@dataclass(frozen=True)
class Aggregate:
    video_id: int
    source: str
    metric: str
    total: float
    as_of: dt.datetime
    final: bool  # every day of it is final


async def aggregates(
    session: AsyncSession,
    *,
    video_ids: Sequence[int],
    metrics: Sequence[str],
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[Aggregate]:
    """Per video, source and metric over [since, until]: the sum, the newest `as_of`, all final."""
    if not video_ids:
        return []
    conditions: list[ColumnElement[bool]] = [
        TABLE.c.video_id.in_(list(video_ids)),
        TABLE.c.metric.in_(list(metrics)),
    ]
    if since is not None:
        conditions.append(TABLE.c.day >= since)
    if until is not None:
        conditions.append(TABLE.c.day <= until)
    query = (
        select(
            TABLE.c.video_id,
            TABLE.c.source,
            TABLE.c.metric,
            func.sum(TABLE.c.value),
            func.max(TABLE.c.as_of),
            func.min(case((TABLE.c.final.is_(True), 1), else_=0)),
        )
        .where(and_(*conditions))
        .group_by(TABLE.c.video_id, TABLE.c.source, TABLE.c.metric)
    )
    return [
        Aggregate(row[0], row[1], row[2], float(row[3]), row[4], bool(row[5]))
        for row in (await session.execute(query)).all()
    ]


async def live_projects_with_tiktok_videos(
    session: AsyncSession, *, workspace_ids: Collection[int] | None = None
) -> Sequence[LiteProject]:
    """The projects whose figures are followed: not archived, with a video TikTok knows the id of
    (of these workspaces, when given), oldest first."""
    query = (
        select(LiteProject)
        .where(
            col(LiteProject.archived_at).is_(None),
            col(LiteProject.id).in_(
                select(col(Video.project_id)).where(col(Video.tiktok_video_id).is_not(None))
            ),
        )
        .order_by(col(LiteProject.id))
    )
    if workspace_ids is not None:
        query = query.where(col(LiteProject.workspace_id).in_(workspace_ids))
    return (await session.execute(query)).scalars().all()
