"""A real `liteproject serve` killed with SIGKILL mid-burst, then restarted: nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from bot.services.notices import queue_card_refresh
from storage.db import create_engine, create_sessionmaker
from storage.models import OutboxMessage, OutboxStatus
from tests.factories import make_delivery, make_project, make_workspace
from tests.harness.fake_slack import FakeSlack
from tests.harness.replicas import start_serve

CHANNELS = 20
VIDEOS_PER_CHANNEL = 3


async def test_kill_9_mid_burst_then_restart_loses_and_repeats_nothing(
    fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        for channel in range(CHANNELS):
            project = await make_project(session, workspace=workspace, channel_id=f"C0CRASH{channel:03d}")
            await queue_card_refresh(session, project=project, reason="created")
            for number in range(VIDEOS_PER_CHANNEL):
                await make_delivery(
                    session,
                    project=project,
                    number=channel * 10 + number,
                    handle=f"maker{channel:02d}{number}",
                )
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    # new messages: each card's first post and every alert (the later card refreshes are edits)
    expected = {
        row.dedup_key for row in rows if row.kind != "project_card" or row.dedup_key.endswith(":created")
    }
    assert len(expected) == CHANNELS * (1 + VIDEOS_PER_CHANNEL)
    fake_slack.delay = 0.05  # Slack keeps each message before its slow answer comes back

    first = await start_serve(fake_slack, database_url, tmp_path)
    await wait_for_posts(fake_slack, 25, timeout=30)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    posted_before_restart = len(fake_slack.kept_keys())
    assert 0 < posted_before_restart < len(expected), "the kill must land mid-burst"
    killed_in_flight = len(fake_slack.of("chat.postMessage"))

    second = await start_serve(fake_slack, database_url, tmp_path)
    try:
        deadline = time.monotonic() + 60
        while await pending_count(sessions):
            assert time.monotonic() < deadline, "the restarted server never finished the burst"
            await asyncio.sleep(0.1)
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), timeout=20)

    keys = fake_slack.kept_keys()
    twice = [key for key, count in Counter(keys).items() if count > 1]
    assert not twice, f"posted twice: {twice}"
    assert set(keys) == expected, "a message was lost"
    async with sessions() as session:
        statuses = Counter(row.status for row in (await session.execute(select(OutboxMessage))).scalars())
    await engine.dispose()
    assert statuses == {OutboxStatus.SENT: len(rows)}
    assert len(fake_slack.of("chat.postMessage")) > killed_in_flight
    # the kill left sends in flight, and the restart looked for them before sending again
    assert fake_slack.of("conversations.history")


async def wait_for_posts(fake: FakeSlack, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(fake.of("chat.postMessage")) < count:
        assert time.monotonic() < deadline, "the server never started posting"
        await asyncio.sleep(0.005)


async def pending_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        rows = (
            await session.execute(
                select(OutboxMessage).where(col(OutboxMessage.status) == OutboxStatus.PENDING)
            )
        ).all()
    return len(rows)
