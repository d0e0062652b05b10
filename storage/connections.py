"""Queries for TikTok connections and the one-time states of their connect flow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import bindparam, delete
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import TikTokConnection, TikTokConnectionKind, TikTokConnectionStatus, TikTokOAuthState


async def get_connection(
    session: AsyncSession, *, workspace_id: int, kind: TikTokConnectionKind, for_update: bool = False
) -> TikTokConnection | None:
    query = select(TikTokConnection).where(
        col(TikTokConnection.workspace_id) == workspace_id, col(TikTokConnection.kind) == kind
    )
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


def connection_status(
    connection: Connection, *, workspace_id: int, kind: TikTokConnectionKind
) -> TikTokConnectionStatus | None:
    """In a write unit (see `storage.writer`): the status of the workspace's connection, None without one."""
    found = connection.execute(_STATUS, {"workspace_id": workspace_id, "kind": kind}).scalar()
    return None if found is None else TikTokConnectionStatus(found)


_STATUS = select(col(TikTokConnection.status)).where(
    col(TikTokConnection.workspace_id) == bindparam("workspace_id"),
    col(TikTokConnection.kind) == bindparam("kind"),
)


async def list_connections(session: AsyncSession, *, workspace_id: int) -> Sequence[TikTokConnection]:
    query = (
        select(TikTokConnection)
        .where(col(TikTokConnection.workspace_id) == workspace_id)
        .order_by(col(TikTokConnection.kind))
    )
    return (await session.execute(query)).scalars().all()


async def delete_connection(session: AsyncSession, *, workspace_id: int, kind: TikTokConnectionKind) -> bool:
    result = await session.execute(
        delete(TikTokConnection).where(
            col(TikTokConnection.workspace_id) == workspace_id, col(TikTokConnection.kind) == kind
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def add_oauth_state(
    session: AsyncSession,
    *,
    state: str,
    workspace_id: int,
    user_id: str,
    kind: TikTokConnectionKind,
    expires_at: dt.datetime,
) -> None:
    session.add(
        TikTokOAuthState(
            state=state, workspace_id=workspace_id, user_id=user_id, kind=kind, expires_at=expires_at
        )
    )


async def consume_oauth_state(
    session: AsyncSession, *, state: str, now: dt.datetime
) -> TikTokOAuthState | None:
    """The state's row, deleted so it can't be used twice; None when unknown or expired."""
    row = await session.get(TikTokOAuthState, state, with_for_update=True)
    if row is None:
        return None
    await session.delete(row)
    await session.flush()
    return row if row.expires_at > now else None


async def prune_oauth_states(session: AsyncSession, *, now: dt.datetime) -> None:
    await session.execute(delete(TikTokOAuthState).where(col(TikTokOAuthState.expires_at) <= now))


async def connected(
    session: AsyncSession, *, kind: TikTokConnectionKind | None = None
) -> Sequence[TikTokConnection]:
    """Every connection that works now (of one kind, when given), in every workspace."""
    query = select(TikTokConnection).where(col(TikTokConnection.status) == TikTokConnectionStatus.CONNECTED)
    if kind is not None:
        query = query.where(col(TikTokConnection.kind) == kind)
    return (await session.execute(query)).scalars().all()
