"""The dispatcher shares the database with requests: it holds only a few transactions at once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from bot.app import DISPATCHER_KEY, create_slack_client
from bot.notify.dispatcher import DispatcherConfig, OutboxDispatcher
from bot.services.notices import queue_card_refresh
from storage.db import create_engine, create_sessionmaker
from storage.models import OutboxMessage, OutboxStatus, utcnow
from tests.factories import make_outbox_messages, make_project, make_workspace
from tests.harness.fake_slack import BOT_TOKEN, FakeSlack
from tests.harness.server import free_port, make_settings, start_server


class CountingSessions:
    """The session factory, counting transactions begun and not yet finished (waiting included)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.open = 0
        self.most = 0

    def __call__(self) -> AsyncSession:
        return self.sessions()

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        self.open += 1
        self.most = max(self.most, self.open)
        try:
            async with self.sessions.begin() as session:
                yield session
        finally:
            self.open -= 1


async def test_a_round_over_many_channels_holds_at_most_two_transactions(
    fake_slack: FakeSlack, database_url: str
) -> None:
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        for channel in range(12):
            project = await make_project(session, workspace=workspace, channel_id=f"C0SHARE{channel:03d}")
            await queue_card_refresh(session, project=project, reason="created")
    settings = make_settings(database_url=database_url, slack_api_url=fake_slack.url, port=free_port())
    counting = CountingSessions(sessions)
    dispatcher = OutboxDispatcher(
        sessions=counting,  # type: ignore[arg-type]
        client=create_slack_client(settings, BOT_TOKEN, retries=False),
        settings=settings,
        config=DispatcherConfig(channel_rate=100.0, channel_burst=100),
    )
    try:
        handled: Any = await dispatcher.drain_once()
    finally:
        await engine.dispose()

    assert handled == 12
    assert len(fake_slack.of("chat.postMessage")) == 12
    assert counting.most <= 2  # DispatcherConfig.db_concurrency


async def test_stopping_hands_the_rest_of_a_paced_round_back_at_once(
    fake_slack: FakeSlack, database_url: str
) -> None:
    # one message every 2 s: the round claimed below would take ~18 s to send
    config = DispatcherConfig(
        poll_seconds=0.02, channel_rate=0.5, channel_burst=1, stop_seconds=10.0, digest_threshold=1000
    )
    server = await start_server(fake_slack, database_url, dispatcher_config=config)
    async with server.sessions.begin() as session:
        await make_outbox_messages(
            session,
            workspace=await make_workspace(session),
            count=10,
            key="bulk-summary",
            kind="bulk_summary",
            channel_id="C0PACED",
            payload={"actor": "U0ALICE01", "active": False, "project_ids": []},
        )
    server.runner.app[DISPATCHER_KEY].wake()
    await fake_slack.wait_for("chat.postMessage")

    await server.stop()

    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    await engine.dispose()
    sent = [row for row in rows if row.status == OutboxStatus.SENT]
    waiting = [row for row in rows if row.status == OutboxStatus.PENDING]
    assert 1 <= len(sent) <= 2 and len(sent) + len(waiting) == 10
    assert len(fake_slack.of("chat.postMessage")) == len(sent)
    # handed back due now, not held under this server's lease
    assert all(row.next_attempt_at <= utcnow() and row.in_flight_since is None for row in waiting)
