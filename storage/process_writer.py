"""The SQLite writer's batches in a process of their own.

`GroupCommitWriter` runs its units in a thread, and in CPython that thread shares the interpreter
lock with the event loop: under a load of deliveries the units held the lock about half of the
time, so the server used one core while the machine had two. `ProcessWriter` sends each batch to
a child process instead, which runs it exactly as the thread would (`storage.writer.run_batch`:
a savepoint per unit, one commit) on its own connection, with its own interpreter lock, and sends
back each unit's outcome. The event loop and the writer then run side by side.

What crosses between the two is pickled: a unit is a module-level function with its arguments
(a `functools.partial`), its result and its error are values. Rows (`SQLModel` tables) cross as
their columns and come back as `unit_row`s, as a unit makes them. A unit that can't be pickled
(a closure, a lambda) runs in the writer's own thread as before, between two batches of the
child, so the two never wait for each other's lock.

The child is forked from a fork server (`multiprocessing`'s "forkserver": a clean process that
imports `preload` once), so starting one is quick and inherits nothing of the server's threads.
It ends when the writer closes, or when its pipe closes because the server went away. If it dies
mid-batch, that batch's callers get an error (its units may or may not be committed, as with a
lost database connection: a delivery sent again is then a repeat) and the next batch starts a new
child.
"""

from __future__ import annotations

import gc
import io
import logging
import multiprocessing
import pickle
import signal
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection as Pipe
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import configure_mappers
from sqlmodel import SQLModel

from storage import models
from storage.writer import MAX_BATCH, GroupCommitWriter, Unit, run_batch, sync_engine

log = logging.getLogger(__name__)

_STOP = b""


class WriterProcessLost(RuntimeError):
    """The writer's process ended in the middle of a batch."""


def can_fork_writer() -> bool:
    """Whether this platform has the fork server (Linux and macOS do; Windows doesn't)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


class ProcessWriter(GroupCommitWriter):
    """`GroupCommitWriter` with its batches run in a child process; see the module's note."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        max_batch: int = MAX_BATCH,
        on_commit: Callable[[int], None] | None = None,
        preload: Sequence[str] = (),
    ) -> None:
        super().__init__(engine, max_batch=max_batch, on_commit=on_commit)
        self._context = multiprocessing.get_context("forkserver")
        # imported by the fork server once, so that each child starts with them (and with the
        # units' own modules, which unpickling a unit would otherwise import in the first batch)
        self._context.set_forkserver_preload(["storage.process_writer", *preload])
        self._url = engine.url.render_as_string(hide_password=False)
        self._child: multiprocessing.process.BaseProcess | None = None
        self._pipe: Pipe | None = None
        self.child_starts = 0  # the tests check that a lost child is replaced

    def _commit(self, units: list[Unit[Any]]) -> list[tuple[bool, Any]]:
        """In the writer's thread: the batch to the child and its outcomes back."""
        try:
            payload = _dumps(units)
        except (pickle.PicklingError, TypeError, AttributeError):
            return super()._commit(units)  # a unit that can't cross: run here, as the thread writer
        pipe = self._pipe if self._pipe is not None else self._start()
        try:
            pipe.send_bytes(payload)
            outcomes: list[tuple[bool, Any]] = pickle.loads(pipe.recv_bytes())
        except (EOFError, OSError) as exc:
            self._forget_child()
            raise WriterProcessLost("the writer's process ended during a batch") from exc
        self.batches += 1
        return outcomes

    def _start(self) -> Pipe:
        ours, theirs = self._context.Pipe()
        child = self._context.Process(
            target=_serve, args=(theirs, self._url), name="sqlite-writer", daemon=True
        )
        child.start()
        theirs.close()  # the child's end: only the child keeps it, so its exit closes the pipe
        self._child, self._pipe = child, ours
        self.child_starts += 1
        return ours

    def _forget_child(self) -> None:
        if self._pipe is not None:
            self._pipe.close()
        if self._child is not None:
            self._child.join(timeout=1)
            if self._child.is_alive():
                self._child.kill()
        self._child = self._pipe = None

    async def close(self) -> None:
        """Commit what was handed over, then stop the child."""
        await super().close()
        if self._pipe is not None:
            try:
                self._pipe.send_bytes(_STOP)
            except OSError:
                pass
            self._forget_child()


def _serve(pipe: Pipe, url: str) -> None:
    """The child: batches in, outcomes out, until told to stop or the server goes away."""
    # Ctrl-C in a terminal reaches the whole process group: the server stops the child itself,
    # after the batches in progress, so a signal never cuts one in half here
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_mappers()  # the server's mappers were configured by its first session; here, now
    sync = sync_engine(make_url(url))
    # What the child inherits (every module the fork server preloaded) and what its first batch
    # makes (compiled statements, the connection) lives as long as the child: out of the cyclic
    # collector's way, as in the server (`bot.cli`). Otherwise each full collection rescans it
    # all: 70-85 ms in the middle of a batch under the delivery benchmark's load, which every
    # delivery of that batch and of the next waited for.
    gc.freeze()
    batches = 0
    try:
        while True:
            try:
                payload = pipe.recv_bytes()
            except EOFError:
                return  # the server went away
            if payload == _STOP:
                return
            outcomes = run_batch(sync, pickle.loads(payload))
            pipe.send_bytes(_dumps_outcomes(outcomes))
            batches += 1
            if batches == 1:
                gc.freeze()
    finally:
        sync.dispose()


def _dumps_outcomes(outcomes: list[tuple[bool, Any]]) -> bytes:
    try:
        return _dumps(outcomes)
    except Exception:
        # one value that can't cross must not cost the others theirs: it becomes an error
        return _dumps([_crossable(outcome) for outcome in outcomes])


def _crossable(outcome: tuple[bool, Any]) -> tuple[bool, Any]:
    try:
        _dumps(outcome)
    except Exception:
        value = outcome[1]
        return (False, RuntimeError(f"the write unit's {'result' if outcome[0] else 'error'} {value!r}"))
    return outcome


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _ROWS
    pickler.dump(value)
    return buffer.getvalue()


def _row_reduce(row: SQLModel) -> tuple[Any, tuple[Any, ...]]:
    # the row's columns, without the ORM's state (which belongs to the process that made it)
    fields = {name: value for name, value in row.__dict__.items() if not name.startswith("_sa_")}
    return (models.unit_row, (type(row), fields))


def _tables() -> dict[type, Any]:
    found: dict[type, Any] = {}
    pending = list(SQLModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if hasattr(model, "__table__"):
            found[model] = _row_reduce
    return found


_ROWS = _tables()
