"""Replicas on PostgreSQL claim different outbox rows: a row another replica is claiming is skipped,
not waited for and not taken twice (`FOR UPDATE SKIP LOCKED`)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from storage import outbox as outbox_queries
from storage.models import OutboxMessage, utcnow
from tests.factories import make_workspace


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
