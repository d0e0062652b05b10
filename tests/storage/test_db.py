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
