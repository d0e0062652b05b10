"""Pages of the project list kept in memory until a write in their workspace makes them stale.

`/liteproject list` answers in the ack, so a repeated listing must not wait on the database.
A page is kept with the workspace's listing version it was read at; any service that changes
what a listing shows (a project, its video counts, a brand's name) calls `changed(...)` in its
transaction, and the version moves on when that transaction commits. The version is read
before the page is, so a page read while a write commits is at worst filed under the older
version, which no later request asks for.

The versions live in this process. That is exact when this process is the only writer of the
database, as with SQLite (one process owns the file); with PostgreSQL several replicas write the
same rows, so there every listing is read from the database.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.services.workspaces import Actor, workspace_id_of

T = TypeVar("T")

CHANGED_KEY = "listing_changed_workspaces"
MAX_ENTRIES = 2_000  # pages kept per database, least recently used dropped first


def changed(session: AsyncSession, *, workspace_id: int) -> None:
    """Mark the workspace's listings stale once this session's transaction commits."""
    session.info.setdefault(CHANGED_KEY, set()).add(workspace_id)


def changed_now(engine: AsyncEngine, *, workspace_id: int) -> None:
    """Mark the workspace's listings stale now: for a change just committed without a session."""
    cache_for(engine.sync_engine).bump({workspace_id})


@dataclass
class _Entry:
    workspace_id: int
    version: int
    value: Any


@dataclass
class ListingCache:
    versions: dict[int, int] = field(default_factory=dict)
    entries: OrderedDict[Hashable, _Entry] = field(default_factory=OrderedDict)

    def bump(self, workspace_ids: set[int]) -> None:
        for workspace_id in workspace_ids:
            self.versions[workspace_id] = self.versions.get(workspace_id, 0) + 1

    def get(self, key: Hashable) -> Any | None:
        entry = self.entries.get(key)
        if entry is None or self.versions.get(entry.workspace_id, 0) != entry.version:
            return None
        self.entries.move_to_end(key)
        return entry.value

    def put(self, key: Hashable, entry: _Entry) -> None:
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > MAX_ENTRIES:
            self.entries.popitem(last=False)


_caches: weakref.WeakKeyDictionary[Engine, ListingCache] = weakref.WeakKeyDictionary()


def cache_for(engine: Engine) -> ListingCache:
    # looked up first: setdefault would build a cache and a weak reference on every call
    cache = _caches.get(engine)
    if cache is None:
        cache = _caches.setdefault(engine, ListingCache())
    return cache


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session: Session) -> None:
    workspace_ids = session.info.pop(CHANGED_KEY, None)
    if workspace_ids and session.bind is not None:
        bind = session.bind if isinstance(session.bind, Engine) else session.bind.engine
        cache_for(bind).bump(workspace_ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(CHANGED_KEY, None)


async def cached_page(
    sessions: async_sessionmaker[AsyncSession],
    *,
    actor: Actor,
    key: Hashable,
    read: Callable[[AsyncSession], Awaitable[T]],
) -> T:
    """`read(session)` for this workspace and `key`, from memory while nothing changed since."""
    engine = sessions.kw["bind"].sync_engine
    if engine.dialect.name != "sqlite":
        async with sessions() as session:
            return await read(session)
    cache = cache_for(engine)
    full_key = _full_key(actor, key)
    hit = cache.get(full_key)
    if hit is not None:
        return hit
    async with sessions() as session:
        workspace_id = await workspace_id_of(session, actor)
        version = cache.versions.get(workspace_id, 0)  # before the page is read: see the module's note
        value = await read(session)
    cache.put(full_key, _Entry(workspace_id, version, value))
    return value


def kept_page(sessions: async_sessionmaker[AsyncSession], *, actor: Actor, key: Hashable) -> Any | None:
    """The page `cached_page` would answer from memory right now, or None when it would read one
    (nothing kept, a change since, or a database with other writers): it never reads."""
    engine = sessions.kw["bind"].sync_engine
    if engine.dialect.name != "sqlite":
        return None
    return cache_for(engine).get(_full_key(actor, key))


def _full_key(actor: Actor, key: Hashable) -> Hashable:
    # a page can show "today" (deadlines): yesterday's pages are not today's
    return (actor.enterprise_id, actor.team_id, dt.date.today(), key)
