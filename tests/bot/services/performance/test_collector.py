"""The performance collector against fake report sources: it stores TikTok's days exactly, re-runs
without duplicates, survives a restart, and keeps gaps, late videos and frozen figures honest."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.jobs.registry import KINDS, JobContext
from bot.jobs.runner import JobRunner, JobRunnerConfig
from bot.services.performance import collector
from bot.services.performance import sources as s
from bot.settings import Settings
from storage import metrics
from storage.models import (
    Job,
    JobState,
    LiteProject,
    ProjectAdsAccount,
    TikTokConnection,
    TikTokConnectionKind,
    TikTokConnectionStatus,
    utcnow,
)
from tests.factories import make_ads_account, make_connection, make_project, make_video, make_workspace
from tests.harness.fake_tiktok_business import FakeTikTokBusiness
from tests.harness.fake_tiktok_reports import FakeReports, standard
from tests.harness.server import make_settings

FAST = JobRunnerConfig(poll_seconds=0.01, backoff_base=0.01, backoff_cap=0.02, lease_seconds=20)
ADVERTISER = "7100000000000000018"
CAMPAIGN = "1790000000000000001"


@dataclass
class World:
    settings: Settings
    reports: FakeReports
    items: dict[str, str]
    videos: dict[str, int]  # name → the app's video id
    project_id: int


async def build(
    sessions: async_sessionmaker[AsyncSession],
    fake: FakeTikTokBusiness,
    database_url: str,
    *,
    kinds: tuple[TikTokConnectionKind, ...] = (
        TikTokConnectionKind.BUSINESS,
        TikTokConnectionKind.TIKTOK_ONE,
    ),
) -> World:
    settings = make_settings(
        database_url=database_url,
        slack_api_url="http://127.0.0.1:9/api/",
        port=3000,
        tiktok_business_api_url=fake.url,
    )
    reports, items = standard(fake, today=utcnow().date(), advertiser_id=ADVERTISER)
    fake.add_token("act.business", [ADVERTISER])
    fake.add_token("act.one", [])
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        # projects here are TikTok One campaigns
        project = await make_project(session, workspace=workspace, tto_campaign_id=CAMPAIGN)
        account = await make_ads_account(session, workspace=workspace, advertiser_id=ADVERTISER)
        session.add(ProjectAdsAccount(project_id=project.id, ads_account_id=account.id))  # type: ignore[arg-type]
        videos = {}
        for name, item in items.items():
            video = await make_video(
                session, project=project, tiktok_video_id=item, creator_handle=f"c.{name}"
            )
            assert video.id is not None
            videos[name] = video.id
        assert workspace.id is not None and project.id is not None
        for kind in kinds:
            await make_connection(
                session,
                settings=settings,
                workspace_id=workspace.id,
                kind=kind,
                access_token="act.business" if kind is TikTokConnectionKind.BUSINESS else "act.one",
                account_ids=[ADVERTISER] if kind is TikTokConnectionKind.BUSINESS else [],
            )
        await collector.queue_collection(session, project=project, settings=settings, now=utcnow())
    return World(settings, reports, items, videos, project.id)


def runner(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> JobRunner:
    return JobRunner(
        context=JobContext(sessions=sessions, settings=settings),
        config=FAST,
        kinds={collector.COLLECT: KINDS[collector.COLLECT]},
        periodic_jobs={},
    )


async def run_all(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    worker = runner(sessions, settings)
    try:
        for _ in range(50):
            await worker.run_once()
            async with sessions() as session:
                pending = (
                    (
                        await session.execute(select(Job).where(Job.state == JobState.PENDING))  # type: ignore[arg-type]
                    )
                    .scalars()
                    .all()
                )
            if not pending:
                return
            await asyncio.sleep(0.03)
        raise AssertionError("jobs still pending")
    finally:
        await worker.stop()


async def stored(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> dict[tuple[int, str, str], float]:
    async with sessions() as session:
        return await metrics.totals(session, video_ids=list(world.videos.values()))


async def test_collection_stores_tiktoks_days_exactly_and_keeps_gaps(
    sessions: async_sessionmaker[AsyncSession], fake_tiktok_business: FakeTikTokBusiness, database_url: str
) -> None:
    world = await build(sessions, fake_tiktok_business, database_url)
    await run_all(sessions, world.settings)

    totals = await stored(sessions, world)
    since = utcnow().date() - dt.timedelta(days=collector.LOOKBACK_DAYS)
    gappy, frozen = world.items["gappy"], world.items["frozen"]
    for name, item in (("gappy", gappy), ("frozen", frozen)):
        video_id = world.videos[name]
        for metric in (s.VIEWS_ORGANIC, s.VIEWS_PAID, s.LIKES, s.COMMENTS):
            assert totals[(video_id, s.TIKTOK_ONE, metric)] == world.reports.tto_total(
                item, metric, since=since
            )
        assert totals[(video_id, s.ADS, s.SPEND)] == world.reports.ads_total(item, "spend", since=since)
        assert totals[(video_id, s.ADS, s.CONVERSIONS)] == world.reports.ads_total(
            item, "conversion", since=since
        )
        assert totals[(video_id, s.ADS, s.VIEWS_PAID)] == world.reports.ads_total(
            item, "video_play_actions", since=since
        )
    # the video posted yesterday isn't reported yet: no figures at all, not zeros
    assert not [key for key in totals if key[0] == world.videos["late"]]
    async with sessions() as session:
        rows = await metrics.series(session, video_ids=[world.videos["gappy"]], metrics=[s.VIEWS_ORGANIC])
        frozen_rows = await metrics.series(
            session, video_ids=[world.videos["frozen"]], metrics=[s.VIEWS_ORGANIC]
        )
    assert [row.day for row in rows] == sorted(world.reports.tto[gappy])  # two missing days stay missing
    assert len(rows) == 16
    assert all(row.final for row in frozen_rows)  # posted five weeks ago: TikTok won't change them
    assert not any(row.final for row in rows)  # posted 20 days ago: still moving
    # every page of every answer was read (the fake answers seven rows a page)
    assert len(fake_tiktok_business.calls_to("report/integrated/get/")) > 1


async def test_a_rerun_overwrites_instead_of_duplicating(
    sessions: async_sessionmaker[AsyncSession], fake_tiktok_business: FakeTikTokBusiness, database_url: str
) -> None:
    world = await build(sessions, fake_tiktok_business, database_url)
    await run_all(sessions, world.settings)
    async with sessions() as session:
        first = await metrics.count_points(session)
    before = await stored(sessions, world)
    async with sessions.begin() as session:
        project = await session.get(LiteProject, world.project_id)
        assert project is not None
        await collector.queue_collection(
            session, project=project, settings=world.settings, now=utcnow(), key="again"
        )
    await run_all(sessions, world.settings)
    async with sessions() as session:
        assert await metrics.count_points(session) == first
    assert await stored(sessions, world) == before
    assert first > 0


async def test_collection_survives_a_restart(
    sessions: async_sessionmaker[AsyncSession], fake_tiktok_business: FakeTikTokBusiness, database_url: str
) -> None:
    world = await build(sessions, fake_tiktok_business, database_url)
    fake_tiktok_business.http_error(503)  # the first worker's first call fails: nothing is stored
    first = runner(sessions, world.settings)
    await first.run_once()
    await first.stop()
    async with sessions() as session:
        assert await metrics.count_points(session) == 0
        job = (await session.execute(select(Job))).scalar_one()
        assert job.state == JobState.PENDING and job.attempts == 1

    await run_all(sessions, world.settings)  # a new process picks the job up
    totals = await stored(sessions, world)
    since = utcnow().date() - dt.timedelta(days=collector.LOOKBACK_DAYS)
    video_id = world.videos["gappy"]
    assert totals[(video_id, s.ADS, s.SPEND)] == world.reports.ads_total(
        world.items["gappy"], "spend", since=since
    )


async def test_a_refused_token_asks_for_reconnecting_and_the_other_source_still_counts(
    sessions: async_sessionmaker[AsyncSession], fake_tiktok_business: FakeTikTokBusiness, database_url: str
) -> None:
    world = await build(sessions, fake_tiktok_business, database_url)
    fake_tiktok_business.revoke("act.business")
    await run_all(sessions, world.settings)

    totals = await stored(sessions, world)
    assert {source for _, source, _ in totals} == {s.TIKTOK_ONE}
    async with sessions() as session:
        business = (
            await session.execute(
                select(TikTokConnection).where(TikTokConnection.kind == TikTokConnectionKind.BUSINESS)  # type: ignore[arg-type]
            )
        ).scalar_one()
    assert business.status is TikTokConnectionStatus.NEEDS_RECONNECTING


async def test_refreshes_are_queued_once_per_period_and_only_where_connected(
    sessions: async_sessionmaker[AsyncSession], fake_tiktok_business: FakeTikTokBusiness, database_url: str
) -> None:
    world = await build(sessions, fake_tiktok_business, database_url, kinds=(TikTokConnectionKind.BUSINESS,))
    async with sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER")
        lonely = await make_project(session, workspace=other)
        await make_video(session, project=lonely)
    now = utcnow() + dt.timedelta(days=3)  # a later period than the job build() queued
    async with sessions.begin() as session:
        assert await collector.queue_refreshes(session, now, world.settings) == 1
    async with sessions.begin() as session:
        assert await collector.queue_refreshes(session, now + dt.timedelta(minutes=5), world.settings) == 0
    async with sessions() as session:
        jobs = (await session.execute(select(Job))).scalars().all()
    assert {job.payload["project_id"] for job in jobs} == {world.project_id}
