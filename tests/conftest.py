"""Fixtures: a fake Slack, a migrated SQLite file per test, and the real server on loopback."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.migrate import upgrade
from tests.harness.fake_slack import FakeSlack
from tests.harness.server import RunningServer, start_server


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated once; each test gets a copy (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def database_url(migrated_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "liteproject.db"
    shutil.copyfile(migrated_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()
    assert not fake.invalid, f"the app sent invalid Block Kit: {fake.invalid}"


@pytest.fixture
async def server(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[RunningServer]:
    running = await start_server(fake_slack, database_url)
    yield running
    await running.stop()
