"""Write units: short transactions of plain SQLAlchemy Core statements, committed together on SQLite.

A write unit is a synchronous function of a `Connection` that reads and writes what one request
changes and returns what the request answers with. `Writer.run(unit)` runs it and returns once
its writes are committed (or raises the unit's own error, with nothing of it kept).

- On SQLite (`GroupCommitWriter`) one writer runs every unit handed to it on one connection, in
  a thread of its own: the units waiting when it is free go into one transaction, each in a
  SAVEPOINT of its own (a unit that raises is rolled back alone and its caller gets the error),
  and one COMMIT makes them all durable before any caller hears back. Through aiosqlite every
  statement is several hops between the event loop and the database thread, and the one pooled
  connection is queued for by every request; here a whole batch is one hop and one commit.
- Anywhere else (`Writer`: PostgreSQL, an in-memory SQLite) a unit is an ordinary pooled
  transaction: PostgreSQL takes concurrent writers itself. There a request whose writes batch well
  (the invite page's delivery) can go in a batch unit instead (`Writer.run_batched`): the requests
  handed over while the previous batch was written, written by one unit, a round trip serving them
  all where each request's own unit costs its own.

The unit runs in the writer's thread on SQLite: it must not touch the event loop or anything
shared with it (no sessions, no awaits), only the connection and its own arguments.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import StaticPool
from sqlalchemy.util import greenlet_spawn

from storage.db import sqlite_pragmas

log = logging.getLogger(__name__)

T = TypeVar("T")
Unit = Callable[[Connection], T]

# units committed together at most: a batch is a few milliseconds of work, so a caller never
# waits behind a very long one
MAX_BATCH = 64


# each item's (ok, result or error) of a batch, in their order
Outcomes = list[tuple[bool, Any]]
# a unit of a batch, `unit(connection, items=[…])`: every item handed over while the previous batch
# was written; their `Outcomes`
BatchUnit = Callable[..., Outcomes]


class Writer:
    """Runs write units; see the module's note. `engine` is the application's engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._batchers: dict[BatchUnit, _Batcher] = {}

    async def run_batched(self, unit: BatchUnit, item: Any) -> Any:
        """PostgreSQL: `item`'s outcome from `unit`, run on the items handed over while its previous
        batch was written (at most `MAX_BATCH`): a round trip serves a batch, where `run` costs
        one per unit. One batch of a unit at a time; the unit's own statements say what is atomic."""
        batcher = self._batchers.get(unit)
        if batcher is None:

            async def write(items: list[Any]) -> Outcomes:
                return await self.run(functools.partial(unit, items=items))

            batcher = self._batchers[unit] = _Batcher(write, name="write-batches")
        return await batcher.run(item)

    async def run(self, unit: Unit[T]) -> T:
        # the whole transaction in one of SQLAlchemy's greenlets, on the engine's synchronous face:
        # `engine.begin()` and `run_sync` cost the checkout, the begin, the unit, the commit and the
        # return to the pool a greenlet and an awaitable wrapper each (a sixth more units a second
        # on PostgreSQL)
        return await greenlet_spawn(self._in_transaction, unit)

    def _in_transaction(self, unit: Unit[T]) -> T:
        with self.engine.sync_engine.begin() as connection:
            return unit(connection)

    async def close(self) -> None:
        """Write what was handed over in batches; the application's engine is disposed by its owner."""
        for batcher in self._batchers.values():
            await batcher.close()


class _Batcher:
    """The items handed over while a batch is written make the next one (at most `max_batch`):
    `write(items)` writes a batch and gives each item's (ok, result or error), in their order; if
    it raises, every item of the batch gets its error. One batch at a time."""

    def __init__(
        self, write: Callable[[list[Any]], Awaitable[Outcomes]], *, max_batch: int = MAX_BATCH, name: str
    ) -> None:
        self.write = write
        self.max_batch = max_batch
        self.name = name
        self._pending: list[tuple[Any, asyncio.Future[Any]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    async def run(self, item: Any) -> Any:
        if self._closed:
            raise RuntimeError("the writer is closed")
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._write(), name=self.name)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        self._wake.set()
        return await future

    async def close(self) -> None:
        """Write what was handed over, then stop."""
        self._closed = True
        if self._task is not None:
            self._wake.set()
            await self._task

    async def _write(self) -> None:
        while True:
            while self._pending:
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                try:
                    outcomes = await self.write([item for item, _ in batch])
                except Exception as exc:  # the batch's own (SQLite's: BEGIN or COMMIT, nothing kept)
                    log.warning("a write batch of %d failed: %s", len(batch), exc.__class__.__name__)
                    outcomes = [(False, exc)] * len(batch)
                for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
                    if future.done():  # its caller went away; the write stands, as a commit would
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
            if self._closed:
                return
            await self._wake.wait()
            self._wake.clear()


class GroupCommitWriter(Writer):
    """SQLite: one thread, one connection, one transaction per batch of waiting units."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        max_batch: int = MAX_BATCH,
        on_commit: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(engine)
        self.max_batch = max_batch
        self.on_commit = on_commit  # told how many units each commit carried (for /metrics)
        self.batches = 0  # committed transactions (the tests check that units share them)
        self._units = _Batcher(self._write_units, max_batch=max_batch, name="sqlite-writer")
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._sync = _sync_engine(engine)

    async def run(self, unit: Unit[T]) -> T:
        return cast(T, await self._units.run(unit))

    async def close(self) -> None:
        """Commit what was handed over, then stop."""
        await super().close()  # batches of batch units first: they hand this writer their units
        await self._units.close()
        self._thread.shutdown(wait=True)
        self._sync.dispose()

    async def _write_units(self, units: list[Unit[Any]]) -> Outcomes:
        # the pooled connection is held idle meanwhile: nothing of this process waits in SQLite's
        # busy handler (which sleeps in growing steps) for the batch, or the batch for it; the
        # pool queues them instead. If BEGIN or COMMIT fails, nothing of the batch was kept.
        async with self.engine.connect():
            outcomes = await asyncio.get_running_loop().run_in_executor(self._thread, self._commit, units)
        if self.on_commit is not None:
            self.on_commit(len(units))
        return outcomes

    def _commit(self, units: list[Unit[Any]]) -> list[tuple[bool, Any]]:
        """In the writer's thread: every unit in its savepoint, one commit for all."""
        outcomes = run_batch(self._sync, units)
        self.batches += 1
        return outcomes


def run_batch(sync: Engine, units: list[Unit[Any]]) -> list[tuple[bool, Any]]:
    """Every unit in its savepoint, one commit for all; each unit's (ok, result or error)."""
    outcomes: list[tuple[bool, Any]] = []
    with sync.connect() as connection, connection.begin():
        # the savepoints straight on the driver's connection, as the units' prepared statements
        # run (see `storage.prepared`): begin_nested() would build and compile its SAVEPOINT
        # anew each time. The savepoint is ours alone, the transaction SQLAlchemy's.
        driver = connection.connection.dbapi_connection
        assert driver is not None
        for unit in units:
            driver.execute("SAVEPOINT unit")
            try:
                outcomes.append((True, unit(connection)))
            except Exception as exc:  # this unit's own error, for its own caller
                driver.execute("ROLLBACK TO SAVEPOINT unit")
                outcomes.append((False, exc))
            driver.execute("RELEASE SAVEPOINT unit")
    return outcomes


def writer_for(
    engine: AsyncEngine,
    *,
    on_commit: Callable[[int], None] | None = None,
    preload: Sequence[str] = (),
) -> Writer:
    """The group-committing writer for an SQLite file (its batches in a process of their own where
    the platform forks one: see `storage.process_writer`), ordinary transactions otherwise.
    `preload`: the modules of the units it will run, imported once before its process starts."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        from storage.process_writer import ProcessWriter, can_fork_writer

        if can_fork_writer():
            return ProcessWriter(engine, on_commit=on_commit, preload=preload)
        return GroupCommitWriter(engine, on_commit=on_commit)
    return Writer(engine)


def _sync_engine(engine: AsyncEngine) -> Engine:
    return sync_engine(engine.url)


def sync_engine(url: URL) -> Engine:
    """The same database through the standard sqlite3 driver, for the writer alone."""
    sync = create_engine(
        url.set(drivername="sqlite"),
        hide_parameters=True,
        # one connection, used by one thread at a time (the writer's), kept open
        poolclass=StaticPool,
        connect_args={"timeout": 30, "check_same_thread": False},
    )
    event.listen(sync, "connect", _connect)
    event.listen(sync, "begin", _begin)
    return sync


def _connect(dbapi_connection: Any, record: Any) -> None:
    sqlite_pragmas(dbapi_connection, record)
    # the driver's own transaction handling would commit around SAVEPOINTs; we say BEGIN ourselves
    dbapi_connection.isolation_level = None


def _begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock at once: a batch never fails midway for a writer in another
    # connection (the pooled one, a CLI run), it waits for it at the start (busy_timeout)
    connection.exec_driver_sql("BEGIN IMMEDIATE")
