"""Queries about workspaces (Slack teams): the row every other row is scoped by."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    Workspace,
    unit_row,
    utcnow,
)
from storage.sql import dialect_insert, insert_for


async def find_workspace(session: AsyncSession, *, team_id: str, enterprise_id: str = "") -> Workspace | None:
    query = select(Workspace).where(
        col(Workspace.team_id) == team_id, col(Workspace.enterprise_id) == enterprise_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get_or_create_workspace(
    session: AsyncSession, *, team_id: str, enterprise_id: str = ""
) -> Workspace:
    query = select(Workspace).where(
        col(Workspace.team_id) == team_id, col(Workspace.enterprise_id) == enterprise_id
    )
    workspace = (await session.execute(query)).scalar_one_or_none()
    if workspace is not None:
        return workspace
    insert = insert_for(session)(Workspace).values(
        team_id=team_id, enterprise_id=enterprise_id, name="", created_at=utcnow()
    )
    await session.execute(insert.on_conflict_do_nothing(index_elements=["enterprise_id", "team_id"]))
    return (await session.execute(query)).scalar_one()


def workspace_in_unit(connection: Connection, *, team_id: str, enterprise_id: str = "") -> Workspace:
    """`get_or_create_workspace` in a write unit (see `storage.writer`): a row no session tracks.
    A row it makes is undone with the unit if the unit is refused."""
    key = {"team_id": team_id, "enterprise_id": enterprise_id}
    row = connection.execute(_WORKSPACE, key).first()
    if row is None:
        connection.execute(
            _insert_workspace(connection.dialect.name), {**key, "name": "", "created_at": utcnow()}
        )
        row = connection.execute(_WORKSPACE, key).one()
    return unit_row(Workspace, row._mapping)


# built once, as the other write units' statements
_WORKSPACE = sa_select(*Workspace.__table__.columns).where(  # type: ignore[attr-defined]
    col(Workspace.team_id) == bindparam("team_id"),
    col(Workspace.enterprise_id) == bindparam("enterprise_id"),
)


@functools.cache
def _insert_workspace(dialect: str) -> Any:
    """A twin made meanwhile (another replica) is kept: the unit reads it back."""
    table = Workspace.__table__  # type: ignore[attr-defined]
    return dialect_insert(dialect)(table).on_conflict_do_nothing(index_elements=["enterprise_id", "team_id"])
