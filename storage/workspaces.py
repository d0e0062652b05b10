"""Queries about workspaces (Slack teams): the row every other row is scoped by."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    Workspace,
    utcnow,
)
from storage.sql import insert_for


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
