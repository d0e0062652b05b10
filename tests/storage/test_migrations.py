"""Migrations build exactly the models' schema; SQLite runs in WAL with foreign keys on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from storage.db import create_engine, create_sessionmaker
from storage.models import AuditEvent, Workspace


async def test_migrations_match_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), SQLModel.metadata)
        )
    await engine.dispose()

    assert diff == [], "models changed without a migration: uv run alembic revision --autogenerate"


async def test_sqlite_runs_in_wal_with_foreign_keys(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
        foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
    await engine.dispose()

    assert journal == "wal"
    assert foreign_keys == 1


async def test_foreign_keys_are_enforced(database_url: str) -> None:
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)

    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(AuditEvent(workspace_id=999, actor="U1", action="x", target_type="t", target_id=1))
    await engine.dispose()


async def test_datetimes_come_back_aware_in_utc(database_url: str) -> None:
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)
    moment = dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    async with sessions() as session, session.begin():
        workspace = Workspace(team_id="T1", created_at=moment)
        session.add(workspace)
    async with sessions() as session:
        stored = await session.get(Workspace, workspace.id)
    await engine.dispose()

    assert stored is not None
    assert stored.created_at == moment
    assert stored.created_at.tzinfo == dt.UTC


async def test_a_fresh_database_file_is_created_by_upgrade(tmp_path: Path) -> None:
    from asyncio import to_thread

    from storage.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    await to_thread(upgrade, url)
    await to_thread(upgrade, url)  # a second run is a no-op

    engine = create_engine(url)
    async with engine.connect() as connection:
        version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    await engine.dispose()
    assert version is not None
