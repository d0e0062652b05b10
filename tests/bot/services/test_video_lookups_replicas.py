"""TikTok lookups on two real `liteproject serve --no-migrate` replicas sharing PostgreSQL.

Creators deliver to both replicas; each video is looked up once and alerted once, whichever
replica takes its job. Then one replica is stopped (SIGTERM) while lookups are in progress: it
finishes and records them, the other takes the rest, and no lookup is lost or asked twice.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Job, JobState, LiteProject
from tests.factories import make_project, make_workspace
from tests.harness.fake_slack import FakeSlack
from tests.harness.fake_tiktok import FakeTikTok
from tests.harness.replicas import Replica, deliver, replica_pair

pytestmark = pytest.mark.backends("postgres")

FIRST_VIDEO = 7_300_000_000_000_000_000
PER_PROJECT = 3  # in all: below the digest threshold, so each video is its own alert


@pytest.fixture
async def replicas(
    fake_slack: FakeSlack, fake_tiktok: FakeTikTok, database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Replica, Replica]]:
    async with replica_pair(fake_slack, database_url, tmp_path, TIKTOK_OEMBED_URL=fake_tiktok.url) as pair:
        yield pair


async def job_states(sessions: async_sessionmaker[AsyncSession]) -> Counter[str]:
    async with sessions() as session:
        return Counter(str(job.state) for job in (await session.execute(select(Job))).scalars().all())


async def all_looked_up(sessions: async_sessionmaker[AsyncSession], count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (await job_states(sessions)) != Counter({JobState.DONE.value: count}):
        assert time.monotonic() < deadline, f"lookups unfinished: {await job_states(sessions)}"
        await asyncio.sleep(0.1)


async def alerts_posted(fake: FakeSlack, count: int, timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    while len(keys := [key for key in fake.kept_keys() if key.startswith("video-delivered:")]) < count:
        assert time.monotonic() < deadline, f"{len(keys)} alerts posted, wanted {count}"
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # a second alert for a video would show up meanwhile
    return [key for key in fake.kept_keys() if key.startswith("video-delivered:")]


async def deliver_alternating(
    replicas: tuple[Replica, Replica], projects: list[LiteProject], numbers: range
) -> list[int]:
    """Creator n delivers video n to project n // PER_PROJECT, through replica n % 2."""
    return await asyncio.gather(
        *(
            deliver(
                replicas[number % 2],
                projects[number // PER_PROJECT].invite_token,
                creator=number,
                video=number,
            )
            for number in numbers
        )
    )


async def test_two_replicas_look_each_video_up_once_even_when_one_stops_mid_lookup(
    fake_slack: FakeSlack,
    fake_tiktok: FakeTikTok,
    sessions: async_sessionmaker[AsyncSession],
    replicas: tuple[Replica, Replica],
) -> None:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        projects = [
            await make_project(session, workspace=workspace, channel_id=f"C0LOOK{channel:03d}")
            for channel in range(8)
        ]
    ids = [str(FIRST_VIDEO + number) for number in range(len(projects) * PER_PROJECT)]
    for number in range(len(ids)):
        fake_tiktok.add_video(ids[number], owner=f"maker{number:03d}")
    half = len(ids) // 2

    # both replicas up: each delivery's lookup is run by whichever replica claims it
    statuses = await deliver_alternating(replicas, projects, range(half))
    assert Counter(statuses) == {200: half}
    await all_looked_up(sessions, half)

    # slow answers, and one replica told to stop while its lookups are in flight
    fake_tiktok.slow(1.0, times=len(ids) - half)
    stopping, survivor = replicas
    statuses = await deliver_alternating(replicas, projects, range(half, len(ids)))
    assert Counter(statuses) == {200: len(ids) - half}
    deadline = time.monotonic() + 30
    while len(fake_tiktok.calls) <= half:
        assert time.monotonic() < deadline, "no lookup of the second burst started"
        await asyncio.sleep(0.005)
    stopping.process.send_signal(signal.SIGTERM)
    asked_at_stop = len(fake_tiktok.calls)
    assert await asyncio.wait_for(stopping.process.wait(), timeout=30) == 0
    await all_looked_up(sessions, len(ids))

    assert asked_at_stop < len(ids), "the stop must land while lookups are in flight"
    assert [fake_tiktok.calls_about(video_id) for video_id in ids] == [1] * len(ids)
    alerts = await alerts_posted(fake_slack, len(ids))
    assert sorted(alerts) == sorted(set(alerts)) and len(alerts) == len(ids)
    assert survivor.process.returncode is None
