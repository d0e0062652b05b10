"""Whose App Home is worth republishing after a change.

Opening the Home tab publishes it afresh (`app_home_opened`), so a change only needs to reach
the Home of someone who may have it on screen: who opened it within `FRESH_FOR`. Publishing it
for everyone else after every create cost a quarter of the create path under load.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.workspaces import Actor, workspace_id_of
from storage import home_opens
from storage.models import utcnow

FRESH_FOR = dt.timedelta(minutes=30)


async def record_open(session: AsyncSession, *, actor: Actor, now: dt.datetime | None = None) -> None:
    workspace_id = await workspace_id_of(session, actor)
    await home_opens.record_home_open(
        session, workspace_id=workspace_id, user_id=actor.user_id, at=now or utcnow()
    )


async def may_be_open(session: AsyncSession, *, actor: Actor, now: dt.datetime | None = None) -> bool:
    workspace_id = await workspace_id_of(session, actor)
    since = (now or utcnow()) - FRESH_FOR
    return await home_opens.home_opened_since(
        session, workspace_id=workspace_id, user_id=actor.user_id, since=since
    )


def may_be_open_in_unit(
    connection: Connection, *, workspace_id: int, user_id: str, now: dt.datetime | None = None
) -> bool:
    """`may_be_open` in a write unit (see `storage.writer`): a change that already runs one asks
    there rather than in a session of its own. It reads the shared table, so an open recorded by
    any replica counts."""
    since = (now or utcnow()) - FRESH_FOR
    return home_opens.opened_since(connection, workspace_id=workspace_id, user_id=user_id, since=since)
