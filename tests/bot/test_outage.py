"""Database down, read-only or behind the code: pages that say so, a readiness check that tells the
load balancer, an outbox that backs off quietly, and logs without SQL parameters or tokens."""

from __future__ import annotations

import asyncio
import io
import logging
import shutil
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from bot.logs import RedactTokens
from storage.db import create_engine
from tests.bot.portal.test_routes import assert_security_headers, fetch
from tests.harness.fake_slack import FakeSlack
from tests.harness.server import RunningServer, start_server

UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:1/liteproject"
# a hang guard, not a timing assertion: the old check queued behind the app's pool for 60 s
PATIENCE = aiohttp.ClientTimeout(total=30)


async def ready(url: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession(timeout=PATIENCE) as http:
        async with http.get(f"{url}/readyz") as response:
            return response.status, await response.json()


async def test_creator_pages_answer_a_styled_503_when_the_database_is_unreachable(
    fake_slack: FakeSlack,
) -> None:
    running = await start_server(fake_slack, UNREACHABLE)
    try:
        token = "a" * 32
        pages = [
            await fetch("GET", f"{running.url}/i/{token}"),
            await fetch("POST", f"{running.url}/i/{token}", data={"url": "x", "form_token": "1.2"}),
            await fetch("GET", f"{running.url}/a/{token}"),
        ]
        status, body = await ready(running.url)
    finally:
        await running.stop()

    for page in pages:
        assert page.status == 503
        assert page.headers["Retry-After"] == "30"
        assert "Back in a moment" in page.text and "<html" in page.text.lower()
        assert_security_headers(page)
    assert (status, body["database"]) == (503, "unreachable")


async def test_readyz_is_503_and_the_outbox_quiet_when_the_schema_is_behind(
    fake_slack: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # `serve --no-migrate` on a database nobody migrated
    caplog.set_level(logging.INFO, logger="bot.notify.dispatcher")
    running = await start_server(fake_slack, f"sqlite+aiosqlite:///{tmp_path}/unmigrated.db")
    try:
        statuses = [await ready(running.url) for _ in range(3)]
        await asyncio.sleep(1.0)  # many poll intervals of the test dispatcher (20 ms)
    finally:
        await running.stop()

    assert all(status == (503, {"ok": False, "database": "schema_behind"}) for status in statuses)
    outbox_lines = [record for record in caplog.records if record.name == "bot.notify.dispatcher"]
    assert len(outbox_lines) == 1, [record.getMessage() for record in outbox_lines]
    assert outbox_lines[0].exc_info is None
    assert "retrying with backoff" in outbox_lines[0].getMessage()


async def test_readyz_is_503_when_the_database_refuses_writes(
    fake_slack: FakeSlack, migrated_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "read-only.db"
    shutil.copyfile(migrated_template, path)
    running = await start_server(fake_slack, f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")
    try:
        status, body = await ready(running.url)
    finally:
        await running.stop()

    assert (status, body["database"]) == (503, "read_only")


async def test_readyz_answers_while_the_apps_connection_is_busy(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await session.execute(text("SELECT 1"))  # the app's pool (one connection on SQLite) is taken
        status, body = await ready(server.url)

    assert (status, body) == (200, {"ok": True, "database": "ok"})


async def test_sql_parameters_stay_out_of_errors(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            with pytest.raises(Exception) as raised:
                await connection.execute(
                    text("INSERT INTO no_such_table (token) VALUES (:token)"), {"token": "xoxb-secret-1"}
                )
    finally:
        await engine.dispose()

    assert "xoxb-secret-1" not in str(raised.value)


def test_tokens_are_redacted_from_log_lines_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokens())
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("Received: %s", {"access_token": "xoxb-1111-2222-abcDEF", "refresh": "xoxe.xoxp-1-AbC"})
        try:
            raise ValueError("bad token xoxp-9-9-zz")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)

    written = stream.getvalue()
    assert "xoxb-1111" not in written and "abcDEF" not in written
    assert "AbC" not in written and "xoxp-9-9-zz" not in written
    assert "redacted" in written


async def test_slack_requests_still_get_answers_while_the_database_is_unreachable(
    fake_slack: FakeSlack,
) -> None:
    running = await start_server(fake_slack, UNREACHABLE)
    try:
        answer = await running.slack.command("help")
    finally:
        await running.stop()

    assert answer.status == 200
    assert "/liteproject" in answer.text
