"""The application's engine: pooled PostgreSQL connections are pinged only after a while idle."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import storage.db
from storage.db import create_engine


@pytest.mark.backends("postgres")
async def test_a_pooled_connection_the_server_closed_while_idle_is_replaced_unseen(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    other = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        # the server ends it while it sits in the pool (a restart, an idle timeout)
        async with other.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        monkeypatch.setattr(storage.db, "IDLE_PING_SECONDS", 0.0)  # it has been idle long enough

        async with engine.connect() as connection:
            again = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert again != pid
    finally:
        await engine.dispose()
        await other.dispose()


def test_postgresql_keeps_the_pool_size_it_is_given_and_sqlite_one_connection() -> None:
    # engines open no connection until one is asked for: no server is needed here
    sized = create_engine("postgresql+asyncpg://postgres@127.0.0.1:5432/test", pool_size=7)
    default = create_engine("postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    sqlite = create_engine("sqlite+aiosqlite:///unused.db", pool_size=7)

    assert sized.sync_engine.pool.size() == 7  # type: ignore[attr-defined]
    assert default.sync_engine.pool.size() == storage.db.POOL_SIZE == 40  # type: ignore[attr-defined]
    assert sqlite.sync_engine.pool.size() == 1  # type: ignore[attr-defined]
