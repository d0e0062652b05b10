"""State every replica must share, kept in the database they share.

- `SQLRateLimitStorage`: a storage for the `limits` package (its fixed-window strategy) on the
  `rate_limit_counters` table, so one client alternating between replicas has one budget.
- `remember_once`: a one-time mark in `seen_slack_requests`, so a replayed Slack signature or a
  retried event id is handled once whichever replica receives it.

Both are one statement per call (an upsert, or an insert that may conflict), so they hold under
concurrency on PostgreSQL and on SQLite without a read-then-write race. Both write through the
writer (`storage.writer`): on SQLite the marks and hits of many requests share one commit.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from limits.aio.storage import Storage
from sqlalchemy import bindparam, case, delete, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from storage.models import RateLimitCounter, SeenSlackRequest
from storage.prepared import Prepared
from storage.sql import dialect_insert
from storage.writer import Writer

# expired rows are swept every this many writes, so the tables stay the size of the live keys
SWEEP_EVERY = 500


class SQLRateLimitStorage(Storage):
    """Fixed-window counters in `rate_limit_counters`: one atomic upsert per hit."""

    STORAGE_SCHEME: list[str] | None = ["liteproject-sql"]  # noqa: RUF012 (the base declares it so)

    def __init__(self, writer: Writer, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.writer = writer  # hits are write units: on SQLite, many requests' share a commit
        self.engine = writer.engine
        self.clock = clock
        self._writes = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return (SQLAlchemyError, OSError)

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        self._writes += 1
        sweep = self._writes % SWEEP_EVERY == 0
        return await self.writer.run(
            partial(_count_hit, key=key, amount=amount, now=self.clock(), expiry=expiry, sweep=sweep)
        )

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
            await connection.execute(delete(RateLimitCounter).where(col(RateLimitCounter.key) == key))


def _count_hit(connection: Connection, *, key: str, amount: int, now: float, expiry: int, sweep: bool) -> int:
    params = {"counter": key, "amount": amount, "now": now, "until": now + expiry}
    hits = int(connection.execute(_count(connection.dialect.name), params).scalar_one())
    if sweep:
        connection.execute(_FORGET_EXPIRED_COUNTERS, {"now": now})
    return hits


@functools.cache
def _count(dialect: str) -> Any:
    """Built once: every creator post runs it (twice)."""
    table = RateLimitCounter.__table__  # type: ignore[attr-defined]
    expired = table.c.expires_at <= bindparam("now")
    return (
        dialect_insert(dialect)(table)
        .values(key=bindparam("counter"), hits=bindparam("amount"), expires_at=bindparam("until"))
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "hits": case((expired, bindparam("amount")), else_=table.c.hits + bindparam("amount")),
                "expires_at": case((expired, bindparam("until")), else_=table.c.expires_at),
            },
        )
        .returning(table.c.hits)
    )


_FORGET_EXPIRED_COUNTERS = delete(RateLimitCounter).where(
    col(RateLimitCounter.expires_at) <= bindparam("now")
)


def remember_once(connection: Connection, *, key: str, keep_seconds: float, now: float) -> bool:
    """Mark `key` as seen; True the first time (on any replica), False for every later call.

    A write unit (see `storage.writer`): on SQLite the marks of many requests share one commit.
    A mark whose time is up is taken over by the next call, so keys may come back after
    `keep_seconds` (Slack refuses requests that old anyway).
    """
    params = {"mark": key, "until": now + keep_seconds, "now": now}
    first = _REMEMBER.first(connection, params) is not None
    if first and hash(key) % SWEEP_EVERY == 0:
        _PREPARED_FORGET.rowcount(connection, {"now": now})
    return first


@functools.cache
def _remember(dialect: str) -> Any:
    """Built once: every Slack request runs it."""
    table = SeenSlackRequest.__table__  # type: ignore[attr-defined]
    return (
        dialect_insert(dialect)(table)
        .values(key=bindparam("mark"), expires_at=bindparam("until"))
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"expires_at": bindparam("until")},
            where=table.c.expires_at <= bindparam("now"),
        )
        .returning(table.c.key)
    )


_FORGET_EXPIRED = delete(SeenSlackRequest).where(col(SeenSlackRequest.expires_at) <= bindparam("now"))
# compiled once: every Slack request runs the first, and now and then the second
_REMEMBER = Prepared(lambda dialect: _remember(dialect.name))
_PREPARED_FORGET = Prepared(_FORGET_EXPIRED)
