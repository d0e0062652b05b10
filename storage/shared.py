"""State every replica must share, kept in the database they share.

- `SQLRateLimitStorage`: a storage for the `limits` package (its fixed-window strategy) on the
  `rate_limit_counters` table, so one client alternating between replicas has one budget.
- `remember_once`: a one-time mark in `seen_slack_requests`, so a replayed Slack signature or a
  retried event id is handled once whichever replica receives it.

Both are one statement per call (an upsert, or an insert that may conflict), so they hold under
concurrency on PostgreSQL and on SQLite without a read-then-write race.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from limits.aio.storage import Storage
from sqlalchemy import case, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import RateLimitCounter, SeenSlackRequest
from storage.sql import dialect_insert

# expired rows are swept every this many writes, so the tables stay the size of the live keys
SWEEP_EVERY = 500


class SQLRateLimitStorage(Storage):
    """Fixed-window counters in `rate_limit_counters`: one atomic upsert per hit."""

    STORAGE_SCHEME: list[str] | None = ["liteproject-sql"]  # noqa: RUF012 (the base declares it so)

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.engine = engine
        self.clock = clock
        self._writes = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return (SQLAlchemyError, OSError)

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self.clock()
        table = RateLimitCounter.__table__  # type: ignore[attr-defined]
        statement = dialect_insert(self.engine.dialect.name)(table).values(
            key=key, hits=amount, expires_at=now + expiry
        )
        expired = table.c.expires_at <= now
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "hits": case((expired, amount), else_=table.c.hits + amount),
                "expires_at": case((expired, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.hits)
        async with self.engine.begin() as connection:
            hits = int((await connection.execute(statement)).scalar_one())
            self._writes += 1
            if self._writes % SWEEP_EVERY == 0:
                await connection.execute(delete(table).where(expired))
        return hits

    async def get(self, key: str) -> int:
        table = RateLimitCounter.__table__  # type: ignore[attr-defined]
        query = select(table.c.hits).where(table.c.key == key, table.c.expires_at > self.clock())
        async with self.engine.connect() as connection:
            return int((await connection.execute(query)).scalar() or 0)

    async def get_expiry(self, key: str) -> float:
        table = RateLimitCounter.__table__  # type: ignore[attr-defined]
        query = select(table.c.expires_at).where(table.c.key == key)
        async with self.engine.connect() as connection:
            found = (await connection.execute(query)).scalar()
        return float(found) if found is not None else self.clock()

    async def check(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(select(func.count()).select_from(RateLimitCounter))
        except SQLAlchemyError:
            return False
        return True

    async def reset(self) -> int | None:
        async with self.engine.begin() as connection:
            result = await connection.execute(delete(RateLimitCounter))
        return int(result.rowcount)

    async def clear(self, key: str) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))  # type: ignore[arg-type]


async def remember_once(
    engine: AsyncEngine, key: str, *, keep_seconds: float, clock: Callable[[], float] = time.time
) -> bool:
    """Mark `key` as seen; True the first time (on any replica), False for every later call.

    A mark whose time is up is taken over by the next call, so keys may come back after
    `keep_seconds` (Slack refuses requests that old anyway).
    """
    now = clock()
    table = SeenSlackRequest.__table__  # type: ignore[attr-defined]
    statement = (
        dialect_insert(engine.dialect.name)(table)
        .values(key=key, expires_at=now + keep_seconds)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"expires_at": now + keep_seconds},
            where=table.c.expires_at <= now,
        )
        .returning(table.c.key)
    )
    async with engine.begin() as connection:
        first = (await connection.execute(statement)).first() is not None
        if first and hash(key) % SWEEP_EVERY == 0:
            await connection.execute(delete(table).where(table.c.expires_at <= now))
    return first
