"""One async engine and one session factory per process."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import QueuePool

# PostgreSQL connections kept open per process (the setting DATABASE_POOL_SIZE), and those opened
# past it at a peak and closed after
POOL_SIZE = 40
POOL_OVERFLOW = 5


def create_engine(database_url: str, *, pool_size: int = POOL_SIZE, **kwargs: Any) -> AsyncEngine:
    """The engine of `database_url`; `pool_size`: PostgreSQL's connections kept open."""
    # SQL parameters (tokens, spark codes, creators' emails) never reach logs or error messages
    kwargs.setdefault("hide_parameters", True)
    if database_url.startswith("sqlite"):
        # SQLite admits one writer at a time. With several connections the others wait in
        # SQLite's busy handler, which sleeps in growing steps (deliveries took up to 1.6 s at
        # p99 under load); one connection per process queues them in the pool instead, in order.
        # (An asyncio lock around write transactions with a reader pool measured slower.)
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
        # a writer in another process (a CLI run) still makes us wait rather than fail
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_async_engine(database_url, **kwargs)
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
        return engine
    # A connection that was in use a moment ago is alive: pinging it at every checkout
    # (`pool_pre_ping`) cost three round trips (BEGIN, a query, ROLLBACK through asyncpg) out of
    # a delivery's thirteen. Only a connection idle for a while, which a restart or an idle
    # timeout may have closed, is pinged (see `_ping_when_idle`).
    kwargs.setdefault("pool_pre_ping", False)
    # SQLAlchemy's 5 + 10 overflow closed an overflow connection whenever it came back to a full
    # pool, and opened one again a moment later under load (sixty in the delivery
    # benchmark's ten seconds), each with its connect, its type setup and its statements prepared anew: the
    # connections a replica needs under load stay pooled. And as many as the requests in flight:
    # with fewer, a transaction waits for a connection, and each one is held longer, for a round
    # trip waits on an event loop busy with more requests (15 connections against 50 concurrent
    # deliveries measured 17-27 % fewer deliveries a second than 40)
    if issubclass(kwargs.get("poolclass", QueuePool), QueuePool):
        kwargs.setdefault("pool_size", pool_size)
        kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    engine = create_async_engine(database_url, **kwargs)
    event.listen(engine.sync_engine, "checkin", _mark_idle)
    event.listen(engine.sync_engine, "checkout", _ping_when_idle)
    return engine


# a pooled connection idle for longer than this is pinged before it is handed out
IDLE_PING_SECONDS = 5.0


def _mark_idle(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info["idle_since"] = time.monotonic()


def _ping_when_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    since = record.info.get("idle_since")
    if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
        return  # new, or back from use a moment ago
    try:
        dbapi_connection.ping()
    except Exception as exc:
        # the pool drops this connection and checks out another (a new one if need be)
        raise DisconnectionError("the pooled connection is gone") from exc


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the portal read while a delivery writes; foreign keys are off by default in SQLite
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
