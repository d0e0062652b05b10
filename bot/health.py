"""`/readyz`: the database answers, takes writes, and has the schema this code expects.

The checks use a connection of their own (not the app's pool, which on SQLite is one connection
that a busy server keeps queued), with short timeouts, so the answer comes within a second or two
even under load, and a load balancer takes a replica out when it can't serve.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.migrate import alembic_config

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.5
# SQLite: how long the write probe waits for another writer; a wait that runs out means someone
# else is writing, which proves the file takes writes
SQLITE_BUSY_MS = 300


@dataclass(frozen=True)
class Readiness:
    ok: bool
    database: str  # ok, unreachable, schema_behind, read_only, slow

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "database": self.database}


class ReadinessCheck:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.heads = frozenset(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())
        self.is_sqlite = database_url.startswith("sqlite")
        connect_args = {"timeout": SQLITE_BUSY_MS / 1000} if self.is_sqlite else {"timeout": CHECK_SECONDS}
        self.engine: AsyncEngine = create_async_engine(
            database_url, poolclass=NullPool, connect_args=connect_args, hide_parameters=True
        )
        self._last: str | None = None

    async def check(self) -> Readiness:
        try:
            state = await asyncio.wait_for(self._probe(), timeout=CHECK_SECONDS)
        except TimeoutError:
            state = "slow"
        except Exception as exc:  # any failure to reach the database means "not ready"
            state = "unreachable"
            if self._last != state:
                log.warning("readiness: the database is unreachable (%s)", exc.__class__.__name__)
        if state != self._last and state != "unreachable":
            (log.info if state == "ok" else log.warning)("readiness: database %s", state)
        self._last = state
        return Readiness(state == "ok", state)

    async def _probe(self) -> str:
        async with self.engine.connect() as connection:
            try:
                rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
                versions = {row[0] for row in rows}
            except DBAPIError:  # no alembic_version table: never migrated
                versions = set()
            await connection.rollback()
            if versions != self.heads:
                return "schema_behind"
            try:
                if not self.is_sqlite:
                    await connection.execute(text("SET LOCAL lock_timeout = '300ms'"))
                # a write that is rolled back: refused on a read-only file, replica or full disk
                await connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            except DBAPIError as exc:
                # another writer holding the lock proves the database takes writes
                return "ok" if "lock" in str(exc.orig).lower() else "read_only"
            finally:
                await connection.rollback()
        return "ok"

    async def close(self) -> None:
        await self.engine.dispose()
