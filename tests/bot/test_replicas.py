"""Two real `liteproject serve --no-migrate` replicas on one PostgreSQL, as behind a load balancer.

Creators deliver videos to both replicas (each creator from an address of their own); every
delivery is stored once and every alert reaches Slack exactly once. Then one replica is killed with
SIGKILL mid-burst: the other takes over the notifications it had claimed (after their lease) and
finishes the outbox, nothing lost and nothing posted twice.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from storage.models import LiteProject, OutboxMessage, OutboxStatus, Video
from tests.factories import make_project, make_workspace
from tests.harness.fake_slack import FakeSlack
from tests.harness.replicas import Replica, deliver, replica_pair

pytestmark = pytest.mark.backends("postgres")

CHANNELS = 8
VIDEOS_PER_CHANNEL = 2  # per round; below the digest threshold, so each delivery is its own alert
CARD = "project_card"


@pytest.fixture
async def replicas(
    fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Replica, Replica]]:
    # the database is migrated once (by the fixtures, as a release step would); replicas don't migrate
    async with replica_pair(fake_slack, database_url, tmp_path) as pair:
        yield pair


async def deliver_round(pair: tuple[Replica, ...], projects: list[LiteProject], first: int) -> None:
    """Every project gets VIDEOS_PER_CHANNEL videos, the requests alternating between the replicas."""
    jobs = []
    number = first
    for _ in range(VIDEOS_PER_CHANNEL):
        for project in projects:
            jobs.append(deliver(pair[number % len(pair)], project.invite_token, creator=number, video=number))
            number += 1
    statuses = await asyncio.gather(*jobs)
    assert Counter(statuses) == {200: len(jobs)}


async def outbox(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.execute(select(OutboxMessage))).scalars().all())


async def drained(sessions: async_sessionmaker[AsyncSession], timeout: float) -> list[OutboxMessage]:
    deadline = time.monotonic() + timeout
    while True:
        rows = await outbox(sessions)
        if rows and all(row.status != OutboxStatus.PENDING for row in rows):
            return rows
        assert time.monotonic() < deadline, "the replicas never finished the outbox"
        await asyncio.sleep(0.1)


def assert_each_posted_once(fake: FakeSlack, rows: list[OutboxMessage]) -> None:
    keys = fake.kept_keys()
    twice = [key for key, count in Counter(keys).items() if count > 1]
    assert not twice, f"posted twice: {twice}"
    alerts = {row.dedup_key for row in rows if row.kind != CARD}
    assert alerts, "the deliveries queued no alerts"
    missing = alerts - set(keys)
    assert not missing, f"alerts lost: {missing}"
    assert Counter(row.status for row in rows) == {OutboxStatus.SENT: len(rows)}


async def stored_videos(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessions() as session:
        total = (await session.execute(select(func.count()).select_from(Video))).scalar_one()
        distinct = (await session.execute(select(func.count(func.distinct(Video.url))))).scalar_one()
    return total, distinct


async def test_two_replicas_store_each_delivery_once_and_post_each_alert_once_even_when_one_dies(
    fake_slack: FakeSlack, sessions: async_sessionmaker[AsyncSession], replicas: tuple[Replica, Replica]
) -> None:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        projects = [
            await make_project(session, workspace=workspace, channel_id=f"C0REPL{channel:03d}")
            for channel in range(CHANNELS)
        ]
    per_round = CHANNELS * VIDEOS_PER_CHANNEL

    # both replicas up: deliveries land on both; both dispatchers share the outbox
    await deliver_round(replicas, projects, first=0)
    rows = await drained(sessions, timeout=30)

    assert await stored_videos(sessions) == (per_round, per_round)
    assert_each_posted_once(fake_slack, rows)
    posted_keys_before = fake_slack.kept_keys()
    posted_by_both = len(posted_keys_before)

    # a burst, and one replica killed while it is sending: Slack keeps each message before its slow answer
    fake_slack.delay = 0.2
    await deliver_round(replicas, projects, first=per_round)
    deadline = time.monotonic() + 30
    while len(fake_slack.of("chat.postMessage")) < posted_by_both + 3:
        assert time.monotonic() < deadline, "the replicas never started the second burst"
        await asyncio.sleep(0.005)
    killed, survivor = replicas
    killed.process.send_signal(signal.SIGKILL)
    await killed.process.wait()
    posted_at_kill = set(fake_slack.kept_keys())
    fake_slack.delay = 0.0

    # the survivor still serves creators, and finishes what the killed one had claimed
    await deliver(survivor, projects[0].invite_token, creator=2 * per_round, video=2 * per_round)
    rows = await drained(sessions, timeout=60)

    assert await stored_videos(sessions) == (2 * per_round + 1, 2 * per_round + 1)
    assert_each_posted_once(fake_slack, rows)
    burst = {row.dedup_key for row in rows if row.kind != CARD} - set(posted_keys_before)
    assert burst - posted_at_kill, "the kill must land mid-burst"
    assert survivor.process.returncode is None
