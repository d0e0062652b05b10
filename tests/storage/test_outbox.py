"""The outbox: a queued card refresh is found through an index, so its cost doesn't grow with the
backlog; replicas on PostgreSQL claim different rows, a row another replica is claiming is skipped,
not waited for and not taken twice (`FOR UPDATE SKIP LOCKED`)."""

from __future__ import annotations

import asyncio
import datetime as dt
from functools import partial
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import col

from bot.services.notices import queue_card_refresh
from storage import outbox as outbox_queries
from storage.db import create_sessionmaker
from storage.migrate import upgrade
from storage.models import OutboxMessage, OutboxStatus, utcnow
from storage.sql import IN_LIST_SIZE
from storage.writer import Writer
from tests.factories import make_outbox_messages, make_project, make_workspace


async def test_refreshes_of_one_card_merge_and_other_cards_keep_their_own(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        # ids 1 and 12..: a key prefix of one project must not catch another's card
        projects = [await make_project(session, workspace=workspace, link_name=f"P{n}") for n in range(12)]
        for project in projects:
            assert await queue_card_refresh(session, project=project, reason="created")
        assert not await queue_card_refresh(session, project=projects[0], reason="delivered:1")
        assert not await queue_card_refresh(session, project=projects[11], reason="delivered:2")

    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    assert len(rows) == 12
    assert {row.refresh_key for row in rows} == {f"project-card:{project.id}" for project in projects}


async def test_the_card_refresh_lookup_reads_an_index_not_the_whole_outbox(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        project = await make_project(session, workspace=workspace)
        await make_outbox_messages(session, workspace=workspace, count=50, key="noise", channel_id="C0NOISE")
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE OUTBOX"):
            statements.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    async with sessions.begin() as session:
        await outbox_queries.touch_pending_outbox_message(session, refresh_key=f"project-card:{project.id}")
    event.remove(engine.sync_engine, "before_cursor_execute", capture)
    ((statement, parameters),) = statements

    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        if engine.dialect.name == "sqlite":
            cursor = await raw.driver_connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)  # type: ignore[union-attr]
            plan = " ".join(str(row[-1]) for row in await cursor.fetchall())
        else:
            await connection.execute(text("SET enable_seqscan = off"))  # a tiny table is scanned anyway
            rows = await raw.driver_connection.fetch(f"EXPLAIN {statement}", *parameters)  # type: ignore[union-attr]
            plan = " ".join(row[0] for row in rows)
        await connection.rollback()
    assert "ix_outbox_refresh" in plan, plan

    async with sessions() as session:
        assert (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == 50


async def test_a_write_unit_finds_a_queued_card_refresh_but_not_one_being_sent(
    engine: AsyncEngine, writer: Writer
) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        project = await make_project(session, workspace=workspace, link_name="P1")
        other = await make_project(session, workspace=workspace, link_name="P2")
        assert await queue_card_refresh(session, project=project, reason="created")
    key = f"project-card:{project.id}"

    assert await writer.run(partial(outbox_queries.touch_pending_in_unit, refresh_key=key))
    assert not await writer.run(
        partial(outbox_queries.touch_pending_in_unit, refresh_key=f"project-card:{other.id}")
    )
    # claimed by the dispatcher (its lease in next_attempt_at): the unit queues a new refresh instead
    async with sessions.begin() as session:
        [queued] = (await session.execute(select(OutboxMessage))).scalars().all()
        queued.in_flight_since = utcnow()
        queued.next_attempt_at = utcnow() + dt.timedelta(minutes=1)
    assert not await writer.run(partial(outbox_queries.touch_pending_in_unit, refresh_key=key))
    async with sessions() as session:
        [still] = (await session.execute(select(OutboxMessage))).scalars().all()
    assert still.next_attempt_at == queued.next_attempt_at  # found, never moved


async def test_a_digests_rows_are_marked_in_flight_then_sent_past_one_in_list(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        await make_outbox_messages(
            session, workspace=workspace, count=IN_LIST_SIZE + 2, key="digest", channel_id="C0PROJECTS"
        )
        await make_outbox_messages(
            session, workspace=workspace, count=1, key="other", channel_id="C0PROJECTS"
        )
        query = select(col(OutboxMessage.id)).where(col(OutboxMessage.dedup_key).startswith("digest:"))
        ids = [
            message_id for message_id in (await session.execute(query)).scalars() if message_id is not None
        ]
    earlier, now = utcnow() - dt.timedelta(minutes=5), utcnow()

    async with sessions.begin() as session:
        await outbox_queries.mark_in_flight(session, ids=ids[:1], now=earlier)
    async with sessions.begin() as session:
        await outbox_queries.mark_in_flight(session, ids=ids, now=now)
        await outbox_queries.mark_outbox_sent(session, ids=ids, now=now, slack_ts="1700000000.000100")

    async with sessions() as session:
        messages = (
            (await session.execute(select(OutboxMessage).order_by(col(OutboxMessage.id)))).scalars().all()
        )
    digest = [message for message in messages if message.dedup_key.startswith("digest:")]
    assert len(digest) == IN_LIST_SIZE + 2
    assert {(message.status, message.slack_ts) for message in digest} == {
        (OutboxStatus.SENT, "1700000000.000100")
    }
    # a row already in flight keeps the time its send began
    assert digest[0].in_flight_since == earlier and {m.in_flight_since for m in digest[1:]} == {now}
    [other] = [message for message in messages if message.dedup_key == "other:0"]
    assert (other.status, other.in_flight_since) == (OutboxStatus.PENDING, None)


def test_sqlite_upgrade_gives_card_refreshes_still_queued_their_key(tmp_path: Any) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0005")
    engine = sqlalchemy.create_engine(url.replace("+aiosqlite", ""))
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (team_id, enterprise_id, name, created_at) VALUES ('T1', '', '', '2026-01-01')"
            )
        )
        for row_id, key, kind, status in (
            (1, "project-card:7:created", "project_card", "pending"),
            (2, "project-card:8:video-3", "project_card", "sent"),
            (3, "video-delivered:9", "video_delivered", "pending"),
        ):
            connection.execute(
                text(
                    "INSERT INTO outbox (id, workspace_id, dedup_key, kind, channel_id, payload, status, "
                    "attempts, created_at, next_attempt_at) VALUES (:id, 1, :key, :kind, 'C1', '{}', :status, 0, "
                    "'2026-01-01', '2026-01-01')"
                ),
                {"id": row_id, "key": key, "kind": kind, "status": status},
            )

    upgrade(url)

    with engine.connect() as connection:
        keys: dict[int, str | None] = dict(
            connection.execute(text("SELECT id, refresh_key FROM outbox ORDER BY id")).tuples().all()
        )
    engine.dispose()
    assert keys == {1: "project-card:7", 2: None, 3: None}


@pytest.mark.backends("postgres")
async def test_a_row_being_claimed_by_another_replica_is_skipped(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        assert workspace.id is not None
        for n in (1, 2):
            await outbox_queries.add_outbox_message(
                session,
                workspace_id=workspace.id,
                dedup_key=f"claim-{n}",
                kind="project_card",
                channel_id="C0PROJECTS",
                payload={},
            )
    later = utcnow() + dt.timedelta(hours=1)
    async with sessions.begin() as other_replica:
        first = (
            await other_replica.execute(
                select(OutboxMessage).where(col(OutboxMessage.dedup_key) == "claim-1").with_for_update()
            )
        ).scalar_one()
        async with sessions.begin() as this_replica:
            # a hang guard: without SKIP LOCKED this waits for the other replica's transaction
            claimed = await asyncio.wait_for(
                outbox_queries.due_outbox_messages(this_replica, now=later), timeout=20
            )

    assert [row.dedup_key for row in claimed] == ["claim-2"]
    assert first.dedup_key == "claim-1"


def _card_row(workspace_id: int, project_id: int, reason: str) -> dict[str, Any]:
    return outbox_queries.outbox_row(
        workspace_id=workspace_id,
        dedup_key=f"project-card:{project_id}:{reason}",
        kind="project_card",
        channel_id="C0PROJECTS",
        payload={"project_id": project_id, "primary": True},
        refresh_key=f"project-card:{project_id}",
    )


def _alert_row(workspace_id: int, n: int) -> dict[str, Any]:
    return outbox_queries.outbox_row(
        workspace_id=workspace_id,
        dedup_key=f"video-delivered:{n}",
        kind="video_delivered",
        channel_id="C0PROJECTS",
        payload={"video_id": n},
    )


async def test_rows_are_queued_with_a_card_refresh_only_when_none_is_queued_yet(
    engine: AsyncEngine, writer: Writer
) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        project = await make_project(session)
    workspace_id, project_id = project.workspace_id, project.id
    assert project_id is not None

    def queue(connection: Any, alerts: list[int], reason: str) -> set[str]:
        rows = [_alert_row(workspace_id, n) for n in alerts]
        return outbox_queries.insert_outbox_messages(
            connection, rows, refresh=_card_row(workspace_id, project_id, reason)
        )

    first = await writer.run(partial(queue, alerts=[1, 2], reason="video-1"))
    second = await writer.run(partial(queue, alerts=[3], reason="video-3"))
    repeat = await writer.run(partial(queue, alerts=[3], reason="video-3b"))
    alone = await writer.run(partial(queue, alerts=[], reason="paused"))

    assert first == {"video-delivered:1", "video-delivered:2", f"project-card:{project_id}:video-1"}
    assert second == {"video-delivered:3"}  # the card's refresh was queued already
    assert repeat == set()
    assert alone == set()
    async with sessions() as session:
        keys = (
            await session.execute(select(col(OutboxMessage.dedup_key)).order_by(col(OutboxMessage.id)))
        ).all()
    # the card after the alerts: it is posted after them
    assert [key for (key,) in keys] == [
        "video-delivered:1",
        "video-delivered:2",
        f"project-card:{project_id}:video-1",
        "video-delivered:3",
    ]


@pytest.mark.backends("postgres")
@pytest.mark.parametrize("with_a_row", [False, True], ids=["alone", "with-the-first-outbox-row"])
async def test_a_card_refresh_a_write_unit_found_is_not_claimed_before_the_unit_commits(
    engine: AsyncEngine, with_a_row: bool
) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        project = await make_project(session)
        assert await queue_card_refresh(session, project=project, reason="created")
    assert project.id is not None
    key, later = f"project-card:{project.id}", utcnow() + dt.timedelta(hours=1)
    rows = [_alert_row(project.workspace_id, 1)] if with_a_row else []
    card = _card_row(project.workspace_id, project.id, "video-1")

    async with engine.begin() as unit:
        queued = await unit.run_sync(
            lambda connection: outbox_queries.insert_outbox_messages(connection, rows, refresh=card)
        )
        async with sessions.begin() as dispatcher:
            # a hang guard: the dispatcher skips the locked row rather than waiting for it
            while_open = await asyncio.wait_for(outbox_queries.due_outbox_messages(dispatcher, now=later), 20)
    async with sessions.begin() as dispatcher:
        after_commit = await outbox_queries.due_outbox_messages(dispatcher, now=later)

    # the refresh was found, so no second one was queued; the unit's own row waits for its commit
    assert queued == {row["dedup_key"] for row in rows}
    assert while_open == []  # the change the unit makes goes into the card the refresh renders
    assert sorted(row.dedup_key for row in after_commit) == sorted(
        [f"{key}:created", *(row["dedup_key"] for row in rows)]
    )
