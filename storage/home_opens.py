"""Who opened the app's Home tab, and when: keyword-only functions that take the session."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select
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
    values = {"workspace_id": workspace_id, "user_id": user_id, "since": since}
    return (await session.execute(_OPENED_SINCE, values)).first() is not None


# built once: asked after every create, pause and edit
_OPENED_SINCE = select(col(HomeOpen.opened_at)).where(
    col(HomeOpen.workspace_id) == bindparam("workspace_id"),
    col(HomeOpen.user_id) == bindparam("user_id"),
    col(HomeOpen.opened_at) >= bindparam("since"),
)
