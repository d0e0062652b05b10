"""Start the real liteproject server on a free loopback port, against a fake Slack."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from bot.app import SESSIONS_KEY, create_web_app
from bot.jobs.runner import JobRunnerConfig
from bot.notify.dispatcher import DispatcherConfig
from bot.settings import Settings
from storage.models import OutboxMessage, OutboxStatus
from tests.harness.fake_slack import BOT_TOKEN, FakeSlack
from tests.harness.slack_requests import SIGNING_SECRET, SlackRequests

# quick polling and short backoffs so tests don't wait on production timings
FAST_DISPATCH = DispatcherConfig(
    poll_seconds=0.02, backoff_base=0.05, backoff_cap=0.5, channel_rate=50.0, channel_burst=50
)


FAST_JOBS = JobRunnerConfig(poll_seconds=0.02, backoff_base=0.05, backoff_cap=0.5, first_periodic_after=3600)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_settings(*, database_url: str, slack_api_url: str, port: int, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack_api_url,
        "database_url": database_url,
        "public_base_url": f"http://127.0.0.1:{port}",
        "host": "127.0.0.1",
        "port": port,
        "tiktok_oembed_url": "",  # no lookups unless a test points this at the fake TikTok
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@dataclass
class RunningServer:
    url: str
    settings: Settings
    slack: SlackRequests
    fake: FakeSlack
    sessions: async_sessionmaker[AsyncSession]
    runner: web.AppRunner

    async def stop(self) -> None:
        await self.runner.cleanup()

    async def settle(self, timeout: float = 5.0) -> None:
        """Wait until the outbox has nothing pending that is due (work after an ack is async)."""
        deadline = time.monotonic() + timeout
        while True:
            async with self.sessions() as session:
                query = (
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts == 0)
                )
                pending = (await session.execute(query)).scalar_one()
            if not pending:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{pending} outbox messages still pending after {timeout}s")
            await asyncio.sleep(0.02)


async def start_server(
    fake: FakeSlack,
    database_url: str,
    *,
    dispatcher_config: DispatcherConfig | None = None,
    job_config: JobRunnerConfig | None = None,
    **overrides: object,
) -> RunningServer:
    port = free_port()
    settings = make_settings(database_url=database_url, slack_api_url=fake.url, port=port, **overrides)
    app = create_web_app(
        settings, dispatcher_config=dispatcher_config or FAST_DISPATCH, job_config=job_config or FAST_JOBS
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}"
    slack = SlackRequests(f"{url}/slack/events")
    slack.response_url_base = fake.base_url
    return RunningServer(url, settings, slack, fake, app[SESSIONS_KEY], runner)
