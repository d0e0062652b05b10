"""The scheduled collection of TikTok's reports into the performance figures.

Every `METRICS_REFRESH_HOURS` (default 24: TikTok refreshes its numbers once a day) each project
with TikTok videos, in a workspace connected to TikTok One or TikTok for Business, gets one durable
`metrics_collect` job (its key carries the period, so replicas queue it once). The job reads the
last `LOOKBACK_DAYS` of each applicable report outside any transaction, then stores every figure
in one transaction that also finishes the job: a re-run overwrites the same rows, a crash before
the end stores nothing and the job runs again.

Honest freshness: a figure carries `as_of` (when TikTok gave it) and `final`: organic numbers stop
changing about 21 days after the video is posted, and an ad's day settles after its attribution
window (a week, to be safe); a final figure is never overwritten. New videos show up after about
48 hours: until then a video simply has no figures.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs.registry import JobRun, RetryLater, job_kind, periodic
from bot.services import connections
from bot.services.job_rows import queue_about
from bot.services.performance import seams
from bot.services.performance.sources import ADS, SOURCES, DailyFigure, Target
from bot.settings import Settings
from bot.tiktok.business_api import BusinessApiClient, BusinessApiUnavailable, TikTokApiError
from bot.tiktok.urls import video_id_time
from storage import connections as connection_queries
from storage import metrics as metric_queries
from storage import videos as video_queries
from storage.models import (
    LiteProject,
    utcnow,
)

log = logging.getLogger(__name__)

COLLECT = "metrics_collect"
LOOKBACK_DAYS = 28  # TikTok revises organic numbers for ~21 days: every run re-reads that window
ORGANIC_FREEZE_DAYS = 21
ADS_SETTLE_DAYS = 7


def posted_at(video_id: str, fallback: dt.datetime) -> dt.datetime:
    """When TikTok says the video was posted (the id's top 32 bits), else `fallback`."""
    try:
        moment = dt.datetime.fromtimestamp(video_id_time(video_id), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return fallback
    return moment if dt.datetime(2016, 1, 1, tzinfo=dt.UTC) <= moment <= utcnow() else fallback


def period_of(now: dt.datetime, hours: int) -> int:
    return int(now.timestamp() // (hours * 3600))


async def queue_collection(
    session: AsyncSession,
    *,
    project: LiteProject,
    settings: Settings,
    now: dt.datetime,
    key: str | None = None,
) -> bool:
    period = period_of(now, settings.metrics_refresh_hours)
    return await queue_about(session, project, kind=COLLECT, key=key or f"metrics:{project.id}:{period}")


async def connected_workspaces(session: AsyncSession, *, settings: Settings) -> set[int] | None:
    """Workspaces with a working TikTok connection; None: every workspace (a token in the settings)."""
    if settings.tiktok_business_access_token and not settings.oauth_enabled:
        return None
    return {connection.workspace_id for connection in await connection_queries.connected(session)}


@periodic("metrics_refresh")
async def queue_refreshes(session: AsyncSession, now: dt.datetime, settings: Settings) -> int:
    """One collection per live project with TikTok videos in a connected workspace, per period."""
    workspaces = await connected_workspaces(session, settings=settings)
    if workspaces is not None and not workspaces:
        return 0
    queued = 0
    for project in await metric_queries.live_projects_with_tiktok_videos(session, workspace_ids=workspaces):
        queued += await queue_collection(session, project=project, settings=settings, now=now)
    return queued


@dataclass(frozen=True)
class _Plan:
    project_id: int
    videos: dict[str, int]  # TikTok video id → the app's video id
    posted: dict[str, dt.datetime]
    calls: list[tuple[str, BusinessApiClient, Target, int]]  # source, client, target, connection id


async def _plan(run: JobRun, project_id: int) -> _Plan | None:
    context = run.context
    settings = context.settings
    async with context.sessions.begin() as session:  # seeding a settings token writes
        project = await session.get(LiteProject, project_id)
        if project is None or project.archived_at is not None:
            return None
        rows = await video_queries.tiktok_videos_of(session, project_id=project_id)
        videos = {str(item): int(video_id) for video_id, item, _ in rows}
        posted = {str(item): posted_at(str(item), delivered) for _, item, delivered in rows}
        if not videos:
            return None
        items = frozenset(videos)
        calls: list[tuple[str, BusinessApiClient, Target, int]] = []
        for source in SOURCES:
            credential = await connections.token_for(
                session, settings=settings, workspace_id=project.workspace_id, kind=source.connection
            )
            if credential is None:
                continue
            target = Target(
                item_ids=items,
                campaign_id=await seams.campaign_id_of(session, project=project),
                advertiser_ids=tuple(
                    await seams.advertiser_ids_of(session, project=project, connected=credential.account_ids)
                ),
            )
            if not source.applies(target):
                continue
            client = BusinessApiClient(
                context.client(), credential.access_token, settings.tiktok_business_api_url
            )
            calls.append((source.name, client, target, credential.connection_id))
    return _Plan(project_id, videos, posted, calls)


def is_final(*, source: str, day: dt.date, posted: dt.datetime | None, as_of: dt.datetime) -> bool:
    """TikTok won't revise this figure any more."""
    if source == ADS:
        return (as_of.date() - day).days > ADS_SETTLE_DAYS
    if posted is not None:
        return as_of - posted > dt.timedelta(days=ORGANIC_FREEZE_DAYS + 1)
    return (as_of.date() - day).days > ORGANIC_FREEZE_DAYS


@job_kind(COLLECT, max_attempts=8, rate=1.0, burst=2)
async def collect(run: JobRun) -> None:
    project_id = run.payload.get("project_id")
    if not isinstance(project_id, int):
        return
    plan = await _plan(run, project_id)
    if plan is None:
        return
    now = utcnow()
    end = now.date()
    start = end - dt.timedelta(days=LOOKBACK_DAYS)
    gathered: list[tuple[str, list[DailyFigure]]] = []
    refused: list[tuple[int, str]] = []
    for source_name, client, target, connection_id in plan.calls:
        source = next(source for source in SOURCES if source.name == source_name)
        try:
            gathered.append((source_name, await source.fetch(client, target=target, start=start, end=end)))
        except BusinessApiUnavailable as exc:
            raise RetryLater(str(exc), retry_after=exc.retry_after) from None
        except TikTokApiError as exc:
            if exc.auth_failed:
                refused.append((connection_id, f"TikTok refused the token ({exc.code})"))
            elif exc.retryable:
                raise RetryLater(f"TikTok: {exc.code}", retry_after=60.0 if exc.throttled else None) from None
            else:
                # a refusal retrying can't fix (no permission for an account…): the other source counts
                log.warning(
                    "performance %s for project %s: TikTok code %s", source_name, project_id, exc.code
                )
    points = [
        metric_queries.MetricPoint(
            video_id=plan.videos[figure.item_id],
            source=source_name,
            metric=figure.metric,
            day=figure.day,
            value=figure.value,
            as_of=now,
            final=is_final(
                source=source_name, day=figure.day, posted=plan.posted.get(figure.item_id), as_of=now
            ),
        )
        for source_name, figures in gathered
        for figure in figures
        if figure.item_id in plan.videos
    ]
    queued = False
    async with run.finish() as session:
        await metric_queries.upsert_points(session, points=points)
        for connection_id, reason in refused:
            queued |= await connections.mark_needs_reconnecting_by_id(
                session, connection_id=connection_id, reason=reason
            )
    if queued:
        run.context.on_queued()
