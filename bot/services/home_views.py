"""Whose App Home is worth republishing after a change.

Opening the Home tab publishes it afresh (`app_home_opened`), so a change only needs to reach
the Home of someone who may have it on screen: who opened it within `FRESH_FOR`. Publishing it
for everyone else after every create cost a quarter of the create path under load.
"""

from __future__ import annotations

import datetime as dt

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
    since = fresh_since(now)
    return await home_opens.home_opened_since(
        session, workspace_id=workspace_id, user_id=actor.user_id, since=since
    )


def fresh_since(now: dt.datetime | None = None) -> dt.datetime:
    """An App Home opened since then may be on screen: for a change that asks in its own write
    unit rather than with `may_be_open` (the table is shared, so an open any replica recorded counts)."""
    return (now or utcnow()) - FRESH_FOR
