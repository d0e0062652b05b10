"""Real `liteproject serve` processes against the fake Slack, as behind a load balancer."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.harness.fake_slack import BOT_TOKEN, FakeSlack
from tests.harness.server import free_port
from tests.harness.slack_requests import SIGNING_SECRET

LEASE_SECONDS = 2


@dataclass
class Replica:
    url: str
    process: asyncio.subprocess.Process


def serve_env(fake: FakeSlack, database_url: str, *, port: int, **extra_env: str) -> dict[str, str]:
    """The environment of one `serve` process: this process's own, without its Slack or test
    settings, plus the fake Slack, the database and short outbox leases."""
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "LITEPROJECT_"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PUBLIC_BASE_URL": "http://127.0.0.1:8080",  # the load balancer's address, the same for all
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "LOG_LEVEL": "WARNING",
        "TIKTOK_OEMBED_URL": "",
        **extra_env,
    }


async def start_serve(
    fake: FakeSlack, database_url: str, cwd: Path, *args: str, port: int | None = None, **extra_env: str
) -> asyncio.subprocess.Process:
    env = serve_env(fake, database_url, port=port or free_port(), **extra_env)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def start_replica(fake: FakeSlack, database_url: str, cwd: Path, **extra_env: str) -> Replica:
    """A replica that does not migrate (the release step did), once it answers `/readyz`."""
    port = free_port()
    process = await start_serve(fake, database_url, cwd, "--no-migrate", port=port, **extra_env)
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


@asynccontextmanager
async def replica_pair(
    fake: FakeSlack, database_url: str, cwd: Path, **extra_env: str
) -> AsyncIterator[tuple[Replica, Replica]]:
    """Two replicas on one database, stopped with SIGTERM at the end (unless a test killed one)."""
    pair = await asyncio.gather(*(start_replica(fake, database_url, cwd, **extra_env) for _ in range(2)))
    try:
        yield pair[0], pair[1]
    finally:
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
