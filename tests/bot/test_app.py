"""Health and readiness of the real server, and Slack's URL verification."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import aiohttp

from bot.app import ENGINE_KEY, create_web_app
from tests.harness.fake_slack import FakeSlack
from tests.harness.server import FAST_JOBS, RunningServer, make_settings, start_server


async def test_healthz_and_readyz_answer_200(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/healthz") as health:
            assert health.status == 200
        async with http.get(f"{server.url}/readyz") as ready:
            assert ready.status == 200
            assert await ready.json() == {"ok": True, "database": "ok"}


async def test_readyz_is_503_when_the_database_is_unreachable(fake_slack: FakeSlack, tmp_path: Path) -> None:
    # the job runner waits for a database connection that never comes; at the stop it is not
    # given the usual 10 s to finish, since it has nothing in progress
    running = await start_server(
        fake_slack,
        f"sqlite+aiosqlite:///{tmp_path}/missing-dir/x.db",
        job_config=dataclasses.replace(FAST_JOBS, stop_seconds=0.5),
    )
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{running.url}/healthz") as health:
                assert health.status == 200
            async with http.get(f"{running.url}/readyz") as ready:
                assert ready.status == 503
                assert (await ready.json())["database"] == "unreachable"
    finally:
        await running.stop()


async def test_url_verification_echoes_the_challenge(server: RunningServer) -> None:
    answer = await server.slack.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")

    assert answer.status == 200
    assert answer.json == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


async def test_the_app_keeps_as_many_postgresql_connections_as_its_setting_says() -> None:
    # built, not started: the engine opens no connection until one is asked for
    settings = make_settings(
        database_url="postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        slack_api_url="http://127.0.0.1:9/api/",
        port=3000,
        database_pool_size=7,
    )
    app = create_web_app(settings)
    try:
        assert app[ENGINE_KEY].sync_engine.pool.size() == 7  # type: ignore[attr-defined]
    finally:
        await app[ENGINE_KEY].dispose()
