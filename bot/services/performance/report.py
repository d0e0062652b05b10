"""A project's performance as people read it: totals, the top videos, organic vs paid, cost per
result, each day's views for the chart, and how fresh and final the figures are.

Both sources can report the same thing (TikTok One's paid views and the ad report's plays of the
same Spark Ad): each figure of a video is taken from one source, never added across
sources. Views and engagement prefer TikTok One (it sees organic and paid); spend, clicks and
results prefer the ad report (it is the ads' own bookkeeping).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.performance import sources as s
from storage import connections as connection_queries
from storage import metrics as metric_queries
from storage import videos as video_queries
from storage.models import LiteProject, TikTokConnectionKind, TikTokConnectionStatus, utcnow

PREFERENCE: dict[str, tuple[str, ...]] = {
    s.VIEWS_ORGANIC: (s.TIKTOK_ONE,),
    s.VIEWS_PAID: (s.TIKTOK_ONE, s.ADS),
    s.LIKES: (s.TIKTOK_ONE, s.ADS),
    s.COMMENTS: (s.TIKTOK_ONE, s.ADS),
    s.SHARES: (s.TIKTOK_ONE, s.ADS),
    s.SPEND: (s.ADS, s.TIKTOK_ONE),
    s.IMPRESSIONS: (s.ADS, s.TIKTOK_ONE),
    s.CLICKS: (s.ADS, s.TIKTOK_ONE),
    s.CONVERSIONS: (s.ADS,),
}
TOP = 5
VIEWS = (s.VIEWS_ORGANIC, s.VIEWS_PAID)
DAILY_DAYS = 90  # days read one by one, for the chart and the sparkline; totals cover every day


@dataclass
class VideoFigures:
    video_id: int
    creator_handle: str
    url: str
    title: str | None
    figures: dict[str, float] = field(default_factory=dict)
    as_of: dt.datetime | None = None
    final: bool = False
    daily_views: dict[dt.date, float] = field(default_factory=dict)

    def get(self, metric: str) -> float:
        return self.figures.get(metric, 0.0)

    @property
    def views(self) -> float:
        return self.get(s.VIEWS_ORGANIC) + self.get(s.VIEWS_PAID)

    @property
    def has_figures(self) -> bool:
        return self.as_of is not None

    @property
    def results_known(self) -> bool:
        """Whether a report counts this video's ad results (only the ad report does)."""
        return s.CONVERSIONS in self.figures


@dataclass
class ProjectPerformance:
    project_id: int
    link_name: str
    videos: list[VideoFigures]  # most viewed first; videos without figures last
    today: dt.date
    views_before_daily: float = 0.0  # views before the first day in `daily_views` (the chart's start)

    @property
    def reported(self) -> list[VideoFigures]:
        return [video for video in self.videos if video.has_figures]

    @property
    def waiting(self) -> list[VideoFigures]:
        return [video for video in self.videos if not video.has_figures]

    @property
    def has_data(self) -> bool:
        return bool(self.reported)

    def total(self, metric: str) -> float:
        return sum(video.get(metric) for video in self.videos)

    @property
    def results_known(self) -> bool:
        return any(video.results_known for video in self.videos)

    @property
    def views(self) -> float:
        return sum(video.views for video in self.videos)

    @property
    def as_of(self) -> dt.datetime | None:
        return max((video.as_of for video in self.reported if video.as_of), default=None)

    @property
    def all_final(self) -> bool:
        return self.has_data and all(video.final for video in self.reported)

    def daily_totals(self) -> dict[dt.date, float]:
        days: dict[dt.date, float] = defaultdict(float)
        for video in self.videos:
            for day, value in video.daily_views.items():
                days[day] += value
        return dict(sorted(days.items()))

    def views_between(self, start: dt.date, end: dt.date) -> float:
        return sum(value for day, value in self.daily_totals().items() if start <= day <= end)


def cost_per(spend: float, results: float) -> float | None:
    return spend / results if spend > 0 and results > 0 else None


def _pick(sources: set[str], metric: str) -> str | None:
    return next((source for source in PREFERENCE.get(metric, ()) if source in sources), None)


async def project_performance(
    session: AsyncSession,
    *,
    project: LiteProject,
    since: dt.date | None = None,
    until: dt.date | None = None,
    today: dt.date | None = None,
) -> ProjectPerformance:
    """The project's figures over [since, until] (every stored day by default)."""
    assert project.id is not None
    videos = await video_queries.all_project_videos(
        session, workspace_id=project.workspace_id, project_id=project.id
    )
    by_id = {
        video.id: VideoFigures(video.id, video.creator_handle, video.url, video.title)
        for video in videos
        if video.id is not None
    }
    # totals are summed by the database; only the chart's days are read one by one
    sums = await metric_queries.aggregates(
        session, video_ids=list(by_id), metrics=list(PREFERENCE), since=since, until=until
    )
    # one source per video and metric (a day one source skipped stays a gap, never filled in by the
    # other, whose figure means something slightly different)
    available: dict[tuple[int, str], set[str]] = defaultdict(set)
    for row in sums:
        available[(row.video_id, row.metric)].add(row.source)
        figures = by_id[row.video_id]
        if figures.as_of is None or row.as_of > figures.as_of:
            figures.as_of = row.as_of
    chosen = {key: _pick(sources, key[1]) for key, sources in available.items()}
    finals: dict[int, list[bool]] = defaultdict(list)
    for row in sums:
        if chosen.get((row.video_id, row.metric)) != row.source:
            continue
        by_id[row.video_id].figures[row.metric] = row.total
        if row.metric in VIEWS:
            finals[row.video_id].append(row.final)
    for video_id, flags in finals.items():
        by_id[video_id].final = bool(flags) and all(flags)
    last = until or today or utcnow().date()
    daily_since = last - dt.timedelta(days=DAILY_DAYS - 1)
    if since is not None and since > daily_since:
        daily_since = since
    for point in await metric_queries.series(
        session, video_ids=list(by_id), metrics=list(VIEWS), since=daily_since, until=until
    ):
        if chosen.get((point.video_id, point.metric)) == point.source:
            daily = by_id[point.video_id].daily_views
            daily[point.day] = daily.get(point.day, 0.0) + point.value
    ordered = sorted(by_id.values(), key=lambda video: (not video.has_figures, -video.views, video.video_id))
    performance = ProjectPerformance(project.id, project.link_name, ordered, today or utcnow().date())
    performance.views_before_daily = performance.views - sum(performance.daily_totals().values())
    return performance


async def has_report_source(session: AsyncSession, *, workspace_id: int, settings_token: bool) -> bool:
    """Whether the workspace is connected to TikTok One or TikTok for Business (or the server's
    settings carry a TikTok for Business token)."""
    if settings_token:
        return True
    for connection in await connection_queries.list_connections(session, workspace_id=workspace_id):
        if connection.kind in (TikTokConnectionKind.BUSINESS, TikTokConnectionKind.TIKTOK_ONE) and (
            connection.status is TikTokConnectionStatus.CONNECTED
        ):
            return True
    return False


@dataclass(frozen=True)
class WeekFigures:
    views: float
    spend: float
    as_of: dt.datetime | None


async def this_week(
    session: AsyncSession, *, projects: list[LiteProject], today: dt.date | None = None
) -> dict[int, WeekFigures]:
    """Each project's views and spend over the last seven days (only projects with figures)."""
    today = today or utcnow().date()
    found: dict[int, WeekFigures] = {}
    for project in projects:
        performance = await project_performance(
            session, project=project, since=today - dt.timedelta(days=6), until=today
        )
        if performance.has_data and project.id is not None:
            found[project.id] = WeekFigures(performance.views, performance.total(s.SPEND), performance.as_of)
    return found


async def video_figures(session: AsyncSession, *, project: LiteProject, video_id: int) -> VideoFigures | None:
    """One video's own figures (None when TikTok hasn't reported it yet)."""
    performance = await project_performance(session, project=project)
    found = next((video for video in performance.videos if video.video_id == video_id), None)
    return found if found is not None and found.has_figures else None
