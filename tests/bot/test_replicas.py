"""Two real `liteproject serve --no-migrate` replicas on one PostgreSQL, as behind a load balancer.

Creators deliver videos to both replicas (each creator from an address of their own); every
delivery is stored once and every alert reaches Slack exactly once. Then one replica is killed with
SIGKILL mid-burst: the other takes over the notifications it had claimed (after their lease) and
finishes the outbox, nothing lost and nothing posted twice.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from storage.models import LiteProject, OutboxMessage, OutboxStatus, Video
from tests.factories import make_project, make_workspace
from tests.harness.fake_slack import BOT_TOKEN, FakeSlack
from tests.harness.server import free_port
from tests.harness.slack_requests import SIGNING_SECRET

pytestmark = pytest.mark.backends("postgres")

CHANNELS = 8
VIDEOS_PER_CHANNEL = 2  # per round; below the digest threshold, so each delivery is its own alert
LEASE_SECONDS = 2
CARD = "project_card"


@dataclass
class Replica:
    url: str
    process: asyncio.subprocess.Process


async def start_replica(fake: FakeSlack, database_url: str, cwd: Path, **extra_env: str) -> Replica:
    port = free_port()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "LITEPROJECT_"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PUBLIC_BASE_URL": "http://127.0.0.1:8080",  # the load balancer's address, the same for both
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "LOG_LEVEL": "WARNING",
        "TIKTOK_OEMBED_URL": "",
        **extra_env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--no-migrate", env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    replica = Replica(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 20
    async with aiohttp.ClientSession() as session:
        while True:
            assert process.returncode is None, "a replica exited at start"
            try:
                async with session.get(f"{replica.url}/readyz") as response:
                    if response.status == 200:
                        return replica
            except aiohttp.ClientError:
                pass
            assert time.monotonic() < deadline, "a replica never became ready"
            await asyncio.sleep(0.05)


@pytest.fixture
async def replicas(
    fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Replica, Replica]]:
    # the database is migrated once (by the fixtures, as a release step would); replicas don't migrate
    pair = await asyncio.gather(*(start_replica(fake_slack, database_url, tmp_path) for _ in range(2)))
    yield pair[0], pair[1]
    for replica in pair:
        if replica.process.returncode is None:
            replica.process.send_signal(signal.SIGTERM)
    for replica in pair:
        await asyncio.wait_for(replica.process.wait(), timeout=20)


async def deliver(replica: Replica, invite_token: str, *, creator: int, video: int) -> int:
    """A creator opens the invite link and sends a video, from an address of their own."""
    handle = f"maker{creator:03d}"
    # each creator is a different client (the portal limits deliveries per address)
    connector = aiohttp.TCPConnector(local_addr=(f"127.0.{creator // 200 + 1}.{creator % 200 + 10}", 0))
    async with aiohttp.ClientSession(connector=connector) as browser:
        async with browser.get(f"{replica.url}/i/{invite_token}") as response:
            assert response.status == 200, await response.text()
            match = re.search(r'name="form_token" value="([^"]+)"', await response.text())
            assert match, "the invite page has no form"
        form = {
            "form_token": match.group(1),
            "url": f"https://www.tiktok.com/@{handle}/video/{7_300_000_000_000_000_000 + video}",
            "creator_handle": f"@{handle}",
            "creator_email": f"{handle}@example.com",
            "spark_code": "",
        }
        async with browser.post(f"{replica.url}/i/{invite_token}", data=form) as response:
            await response.read()
            return response.status


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


def posted_keys(fake: FakeSlack) -> list[str]:
    """The outbox key of every message Slack kept (the dispatcher puts it in the message metadata)."""
    return [
        message["metadata"]["event_payload"]["dedup_key"]
        for messages in fake.messages.values()
        for message in messages
        if message.get("metadata")
    ]


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
    keys = posted_keys(fake)
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
    posted_keys_before = posted_keys(fake_slack)
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
    posted_at_kill = set(posted_keys(fake_slack))
    fake_slack.delay = 0.0

    # the survivor still serves creators, and finishes what the killed one had claimed
    await deliver(survivor, projects[0].invite_token, creator=2 * per_round, video=2 * per_round)
    rows = await drained(sessions, timeout=60)

    assert await stored_videos(sessions) == (2 * per_round + 1, 2 * per_round + 1)
    assert_each_posted_once(fake_slack, rows)
    burst = {row.dedup_key for row in rows if row.kind != CARD} - set(posted_keys_before)
    assert burst - posted_at_kill, "the kill must land mid-burst"
    assert survivor.process.returncode is None
