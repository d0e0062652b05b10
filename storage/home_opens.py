"""Who opened the app's Home tab, and when: keyword-only functions that take the session."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import HomeOpen


async def record_home_open(
    session: AsyncSession, *, workspace_id: int, user_id: str, at: dt.datetime
) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(HomeOpen).values(workspace_id=workspace_id, user_id=user_id, opened_at=at)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["workspace_id", "user_id"], set_={"opened_at": statement.excluded.opened_at}
        )
    )


async def home_opened_since(
    session: AsyncSession, *, workspace_id: int, user_id: str, since: dt.datetime
) -> bool:
    query = select(col(HomeOpen.opened_at)).where(
        col(HomeOpen.workspace_id) == workspace_id,
        col(HomeOpen.user_id) == user_id,
        col(HomeOpen.opened_at) >= since,
    )
    return (await session.execute(query)).first() is not None
