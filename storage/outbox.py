"""Queries for the outbox: the rows the dispatcher sends to Slack, their counts and failures."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any, NamedTuple, NotRequired, TypedDict, Unpack, cast

from sqlalchemy import bindparam, exists, func, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    OutboxMessage,
    OutboxStatus,
    utcnow,
)
from storage.prepared import Prepared
from storage.sql import dialect_insert, in_chunks


class NewMessage(TypedDict):
    """An outbox message to queue."""

    workspace_id: int
    dedup_key: str  # a second message with the same key is not queued
    kind: str
    channel_id: str
    payload: dict[str, Any]
    event: NotRequired[str | None]
    refresh_key: NotRequired[str | None]


async def add_outbox_message(session: AsyncSession, **message: Unpack[NewMessage]) -> bool:
    """Queue a notice unless one with the same dedup key exists; True when queued."""
    result = await session.execute(_insert_outbox(session.get_bind().dialect.name), outbox_row(**message))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def outbox_row(**message: Unpack[NewMessage]) -> dict[str, Any]:
    """The row of a message to queue, as every queued message starts."""
    now = utcnow()
    return {
        "event": None,
        "refresh_key": None,
        **message,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
    }


def insert_outbox_messages(
    connection: Connection, rows: Sequence[dict[str, Any]], *, refresh: dict[str, Any] | None = None
) -> set[str]:
    """In a write unit (see `storage.writer`): queue the `outbox_row`s but those whose dedup key is
    taken, then `refresh`, a card refresh's row, unless a queued refresh with its `refresh_key` is
    found (`touch_pending_in_unit`); the keys queued."""
    # one statement a row: compiled once, where a multi-row INSERT would be compiled for each
    # number of rows (and sqlite3 returns no rows from executemany)
    queued: set[str] = set()
    touched: bool | None = None  # None: not looked for yet
    for index, row in enumerate(rows):
        if index == 0 and refresh is not None and connection.dialect.name == "postgresql":
            # looked for (and locked) in the first row's statement: a round trip less
            params = {**row, "touched_key": refresh["refresh_key"], "now": utcnow()}
            inserted, found = _INSERT_OUTBOX_ROW_TOUCHING.first(connection, params)
            touched = bool(found)
        else:
            inserted = _INSERT_OUTBOX_ROW.rowcount(connection, row)
        if inserted:
            queued.add(row["dedup_key"])
    if refresh is not None:
        if touched is None:
            touched = touch_pending_in_unit(connection, refresh_key=refresh["refresh_key"])
        if not touched and _INSERT_OUTBOX_ROW.rowcount(connection, refresh):
            queued.add(refresh["dedup_key"])
    return queued


async def touch_pending_outbox_message(session: AsyncSession, *, refresh_key: str) -> bool:
    """Find (and lock) a queued, due, not yet claimed message with this refresh key; False when none.

    A claimed one has its lease in next_attempt_at, so the condition leaves it alone: then the
    caller queues a new message, rendered after its own change commits.
    """
    result = await session.execute(_TOUCH_PENDING, {"touched_key": refresh_key, "now": utcnow()})
    return bool(result.rowcount)  # type: ignore[attr-defined]


def touch_pending_in_unit(connection: Connection, *, refresh_key: str) -> bool:
    """`touch_pending_outbox_message` in a write unit (see `storage.writer`).

    On SQLite the unit's transaction already holds the database's write lock (the writer begins
    IMMEDIATE), so no dispatcher can claim the message before it commits: finding it is enough.
    Rewriting its row there re-wrote two index entries on every delivery. On PostgreSQL the row is
    locked (`FOR UPDATE`) rather than rewritten: the dispatcher claims with `SKIP LOCKED`, so it
    passes the message by until the unit commits, as it would a row the no-op UPDATE locked, without
    a new version of the row and of its index entries on every delivery. (A claim in progress makes
    the lock wait for it; the claimed row then no longer matches, and the caller queues a new one.)"""
    params = {"touched_key": refresh_key, "now": utcnow()}
    if connection.dialect.name == "sqlite":
        return bool(_PREPARED_PENDING_EXISTS.scalar(connection, params))
    return bool(_PREPARED_LOCK_PENDING.rows(connection, params))


# built once: write units run them many times a second, and building a statement costs more than
# running it on SQLite. The message: queued, due, not yet claimed, with the refresh key;
# ix_outbox_refresh finds it by an index range, whatever the size of the backlog
_PENDING_REFRESH = (
    col(OutboxMessage.refresh_key) == bindparam("touched_key"),
    col(OutboxMessage.status) == OutboxStatus.PENDING,
    col(OutboxMessage.in_flight_since).is_(None),
    col(OutboxMessage.next_attempt_at) <= bindparam("now"),
)
_TOUCH_PENDING = (
    update(OutboxMessage)
    .where(*_PENDING_REFRESH)
    # keeps its place in the queue: moving it later could let a newer message overtake it
    .values(next_attempt_at=col(OutboxMessage.next_attempt_at))
)
_PREPARED_PENDING_EXISTS = Prepared(select(exists().where(*_PENDING_REFRESH)))
PENDING_REFRESH_LOCKED = select(col(OutboxMessage.id)).where(*_PENDING_REFRESH).with_for_update()
_PREPARED_LOCK_PENDING = Prepared(PENDING_REFRESH_LOCKED)


@functools.cache
def _insert_outbox(dialect: str) -> Any:
    # the table, not the entity: with the entity a session would take a parameter list for an ORM
    # bulk insert
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    return dialect_insert(dialect)(table).on_conflict_do_nothing(index_elements=["dedup_key"])


# compiled once for write units, with the columns every `outbox_row` has; whether a row was
# queued is its row count (RETURNING would cost SQLite a second step of each statement)
OUTBOX_KEYS = list(outbox_row(workspace_id=0, dedup_key="", kind="", channel_id="", payload={}))
_INSERT_OUTBOX_ROW = Prepared(lambda dialect: _insert_outbox(dialect.name), keys=OUTBOX_KEYS)


def _insert_outbox_row_touching() -> Any:
    """PostgreSQL: `WITH touched AS (SELECT … FOR UPDATE), inserted AS (INSERT … ON CONFLICT DO
    NOTHING RETURNING id) SELECT` how many of each: `touch_pending_in_unit` riding along with a row."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    inserted = (
        dialect_insert("postgresql")(table)
        .values({key: bindparam(key, type_=table.c[key].type) for key in OUTBOX_KEYS})
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(table.c.id)
        .cte("inserted")
    )
    touched = PENDING_REFRESH_LOCKED.cte("touched")
    return select(
        select(func.count()).select_from(inserted).scalar_subquery().label("inserted"),
        select(func.count()).select_from(touched).scalar_subquery().label("touched"),
    )


_INSERT_OUTBOX_ROW_TOUCHING = Prepared(_insert_outbox_row_touching())


class DueMessage(NamedTuple):
    """What the dispatcher claims a due row by: the row itself is read when its turn comes."""

    id: int
    channel_id: str
    dedup_key: str


async def due_outbox_messages(
    session: AsyncSession, *, now: dt.datetime, limit: int = 50
) -> list[DueMessage]:
    """The oldest due rows; on PostgreSQL, those no other replica holds locked."""
    # columns, not rows: the claim reads two fields of each of up to `batch_size` rows, and
    # building the ORM's objects (their JSON payloads parsed) cost the event loop for nothing
    query = (
        select(col(OutboxMessage.id), col(OutboxMessage.channel_id), col(OutboxMessage.dedup_key))
        .where(col(OutboxMessage.status) == OutboxStatus.PENDING, col(OutboxMessage.next_attempt_at) <= now)
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = (await session.execute(query)).all()
    return [DueMessage(cast(int, message_id), channel, key) for message_id, channel, key in rows]


async def _update_by_ids(session: AsyncSession, ids: Sequence[int], *where: Any, **values: Any) -> None:
    # A digest of a busy minute holds hundreds or thousands of rows: each step of its send is a
    # statement per chunk of them, not a round trip per row (on SQLite a round trip holds the one
    # connection, and so every delivery's commit, for as long as a busy event loop takes to come
    # back to it)
    for chunk in in_chunks(ids):
        query = update(OutboxMessage).where(col(OutboxMessage.id).in_(chunk), *where).values(**values)
        # nothing of these rows is loaded in the session: there is nothing to synchronize
        await session.execute(query, execution_options={"synchronize_session": False})


async def lease_outbox_messages(session: AsyncSession, *, ids: Sequence[int], until: dt.datetime) -> None:
    """Claim rows until `until`: no dispatcher takes them again before (unless they are released)."""
    await _update_by_ids(session, ids, next_attempt_at=until)


async def release_outbox_messages(session: AsyncSession, *, ids: Sequence[int], at: dt.datetime) -> None:
    """Hand claimed rows that are still queued back, due at `at`."""
    await _update_by_ids(session, ids, col(OutboxMessage.status) == OutboxStatus.PENDING, next_attempt_at=at)


async def mark_in_flight(session: AsyncSession, *, ids: Sequence[int], now: dt.datetime) -> None:
    """Before a send: the rows may reach Slack from here on (a row already in flight keeps its time)."""
    await _update_by_ids(session, ids, in_flight_since=func.coalesce(col(OutboxMessage.in_flight_since), now))


async def clear_in_flight(session: AsyncSession, *, ids: Sequence[int]) -> None:
    """Slack refused the send before posting anything (a 429): the rows are not in doubt."""
    await _update_by_ids(session, ids, in_flight_since=None)


async def mark_outbox_sent(
    session: AsyncSession, *, ids: Sequence[int], now: dt.datetime, slack_ts: str | None
) -> None:
    await _update_by_ids(session, ids, status=OutboxStatus.SENT, sent_at=now, slack_ts=slack_ts)


async def outbox_counts(session: AsyncSession, *, workspace_id: int) -> dict[str, int]:
    query = (
        select(OutboxMessage.status, func.count())
        .where(col(OutboxMessage.workspace_id) == workspace_id)
        .group_by(col(OutboxMessage.status))
    )
    rows = (await session.execute(query)).all()
    return {str(getattr(status, "value", status)): int(count) for status, count in rows}


async def failed_outbox_messages(
    session: AsyncSession, *, workspace_id: int, limit: int = 10
) -> Sequence[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(
            col(OutboxMessage.workspace_id) == workspace_id, col(OutboxMessage.status) == OutboxStatus.FAILED
        )
        .order_by(col(OutboxMessage.id).desc())
        .limit(limit)
    )
    return (await session.execute(query)).scalars().all()


async def retry_failed_outbox_messages(session: AsyncSession, *, workspace_id: int) -> int:
    query = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.workspace_id) == workspace_id, col(OutboxMessage.status) == OutboxStatus.FAILED
        )
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow(), last_error=None)
    )
    result = await session.execute(query)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def count_recent_individual_sends(
    session: AsyncSession, *, channel_id: str, event: str, since: dt.datetime
) -> int:
    """Messages of `event` sent to a channel one by one (not in a digest) since `since`."""
    query = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            col(OutboxMessage.channel_id) == channel_id,
            col(OutboxMessage.event) == event,
            col(OutboxMessage.status) == OutboxStatus.SENT,
            col(OutboxMessage.digest_key).is_(None),
            col(OutboxMessage.sent_at) >= since,
        )
    )
    return int((await session.execute(query)).scalar_one())


class DigestMember(NamedTuple):
    """A row of a digest: what renders it and what marks it sent."""

    id: int
    channel_id: str
    payload: dict[str, Any]


async def pending_in_digest(session: AsyncSession, *, digest_key: str) -> list[DigestMember]:
    """The digest's unsent rows, oldest first (columns, not ORM rows: a busy minute's digest has
    thousands)."""
    query = (
        select(col(OutboxMessage.id), col(OutboxMessage.channel_id), col(OutboxMessage.payload))
        .where(col(OutboxMessage.digest_key) == digest_key, col(OutboxMessage.status) == OutboxStatus.PENDING)
        .order_by(col(OutboxMessage.id))
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = (await session.execute(query)).all()
    return [DigestMember(cast(int, message_id), channel, payload) for message_id, channel, payload in rows]


async def has_outbox_message(session: AsyncSession, *, dedup_key: str) -> bool:
    """True when a message with this key was ever queued (sent or not)."""
    query = select(OutboxMessage.id).where(col(OutboxMessage.dedup_key) == dedup_key).limit(1)
    return (await session.execute(query)).first() is not None
