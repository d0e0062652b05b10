"""Fixtures: a fake Slack, a migrated database per test on each back end, and the real server.

Every test that asks for `database_url` (directly or through `server`) runs once per back end:
SQLite always, PostgreSQL when LITEPROJECT_TEST_POSTGRES_URL names a server, e.g.
`postgresql+asyncpg://postgres@127.0.0.1:5432/test`. A test run creates its own database
`liteproject_test_<random>` on that server, migrates it once, empties every table before each
test, and drops it at the end, so parallel runs never collide. Tests named `*sqlite*` are about
SQLite itself and run on SQLite only; `@pytest.mark.backends("postgres")` picks back ends explicitly.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web_app
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from storage.db import create_engine, create_sessionmaker
from storage.migrate import upgrade
from tests.factories import make_assets
from tests.harness.fake_slack import FakeSlack
from tests.harness.fake_tiktok import FakeTikTok
from tests.harness.fake_tiktok_business import FakeTikTokBusiness
from tests.harness.server import RunningServer, start_server

POSTGRES_ENV = "LITEPROJECT_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgres")


def postgres_server_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends(*names): run a database test on these back ends only (default: all)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is not None:
        backends = list(marker.args)
    elif "sqlite" in metafunc.function.__name__:
        backends = ["sqlite"]
    else:
        backends = list(BACKENDS)
    metafunc.parametrize("backend", backends, indirect=True)


def pytest_report_header(config: pytest.Config) -> str:
    if postgres_server_url() is None:
        return f"database back ends: sqlite (PostgreSQL skipped: set {POSTGRES_ENV} to run it)"
    return f"database back ends: sqlite, postgres ({POSTGRES_ENV})"


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    name: str = getattr(request, "param", "sqlite")
    if name == "postgres" and postgres_server_url() is None:
        pytest.skip(f"PostgreSQL back end: set {POSTGRES_ENV} to run it")
    return name


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite database migrated once; each test gets a copy (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@dataclass(frozen=True)
class PostgresDatabase:
    url: str
    tables: tuple[str, ...]


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase]:
    """This run's own migrated PostgreSQL database, dropped at the end of the session."""
    server_url = postgres_server_url()
    if server_url is None:
        pytest.skip(f"PostgreSQL back end: set {POSTGRES_ENV} to run it")
    name = f"liteproject_test_{secrets.token_hex(6)}"
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_create_database(server_url, name))
    try:
        upgrade(url)
        tables = asyncio.run(_app_tables(url))
        yield PostgresDatabase(url, tables)
    finally:
        asyncio.run(_drop_database(server_url, name))


async def _create_database(server_url: str, name: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


async def _drop_database(server_url: str, name: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            # servers a test left behind may still hold connections: FORCE ends them
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


async def _app_tables(url: str) -> tuple[str, ...]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'alembic_version' ORDER BY tablename"
                )
            )
            return tuple(row[0] for row in rows)
    finally:
        await engine.dispose()


async def _empty_tables(database: PostgresDatabase) -> None:
    engine = create_engine(database.url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            # a server left running by a failed test must not make every later test hang
            await connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            names = ", ".join(f'"{table}"' for table in database.tables)
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture
def backend_database(backend: str, request: pytest.FixtureRequest) -> PostgresDatabase | Path:
    """The session's migrated database on `backend` (resolved here, outside the event loop)."""
    if backend == "postgres":
        database: PostgresDatabase = request.getfixturevalue("postgres_database")
        return database
    template: Path = request.getfixturevalue("migrated_template")
    return template


@pytest.fixture
async def database_url(backend_database: PostgresDatabase | Path, tmp_path: Path) -> str:
    """A migrated, empty database for this test on its back end."""
    if isinstance(backend_database, PostgresDatabase):
        await _empty_tables(backend_database)
        return backend_database.url
    path = tmp_path / "liteproject.db"
    shutil.copyfile(backend_database, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on this test's database, for tests that call services and storage directly."""
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture(autouse=True)
def forget_served_apps() -> Iterator[None]:
    """aiohttp keeps each handler's middleware chain in a cache of its own (up to 1,024, keyed by
    the handler and so by its application): a server per test would otherwise keep every test's
    application alive, with its engine, Bolt app and caches, for the rest of the run (the suite's
    memory past 900 MB, and collections of it long enough to miss Slack's 3 s ack)."""
    yield
    web_app._cached_build_middleware.cache_clear()


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()
    assert not fake.invalid, f"the app sent invalid Block Kit: {fake.invalid}"


@pytest.fixture
async def fake_tiktok() -> AsyncIterator[FakeTikTok]:
    fake = FakeTikTok()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def fake_tiktok_business() -> AsyncIterator[FakeTikTokBusiness]:
    fake = FakeTikTokBusiness()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def server(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[RunningServer]:
    running = await start_server(fake_slack, database_url)
    yield running
    await running.stop()


@pytest.fixture
async def tiktok_server(
    fake_slack: FakeSlack, fake_tiktok_business: FakeTikTokBusiness, database_url: str
) -> AsyncIterator[RunningServer]:
    """The real server pointed at the fake TikTok API for Business, with the TikTok app's id and
    secret (so workspaces can connect)."""
    running = await start_server(fake_slack, database_url, **fake_tiktok_business.app_settings())
    yield running
    await running.stop()


@pytest.fixture
async def assets(server: RunningServer) -> dict[str, int]:
    """The ids of a brand, an anchor and an Ads Manager account in the server's workspace."""
    return await make_assets(server.sessions)
