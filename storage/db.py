"""One async engine and one session factory per process."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
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
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(database_url, **kwargs)


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
