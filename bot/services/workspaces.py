"""Who is acting, and in which workspace: always taken from the verified Slack request."""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import crud
from storage.models import Workspace


@dataclass(frozen=True)
class Actor:
    team_id: str
    user_id: str
    enterprise_id: str = ""
    # asks Slack whether this person is a workspace admin or owner, only when a rule needs to know
    admin_check: Callable[[], Awaitable[bool]] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_context(cls, context: Any) -> Actor:
        """From Bolt's context, which Bolt fills from the signed request, never from user input."""
        return cls(
            team_id=context.team_id or "",
            user_id=context.user_id or "",
            enterprise_id=context.enterprise_id or "",
            admin_check=context.get("admin_check"),
        )

    async def is_workspace_admin(self) -> bool:
        return bool(self.admin_check is not None and await self.admin_check())


# workspace rows never change or go away once made: remember them per database, not per request
_known: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], Workspace]] = weakref.WeakKeyDictionary()


async def workspace_of(session: AsyncSession, actor: Actor) -> Workspace:
    engine = session.get_bind()
    known = _known.setdefault(engine, {})
    key = (actor.enterprise_id, actor.team_id)
    if key in known:
        return known[key]
    existing = await crud.find_workspace(session, team_id=actor.team_id, enterprise_id=actor.enterprise_id)
    if existing is not None:
        # a copy bound to no session: a rollback elsewhere can't expire it
        known[key] = Workspace(
            id=existing.id,
            team_id=existing.team_id,
            enterprise_id=existing.enterprise_id,
            name=existing.name,
            created_at=existing.created_at,
        )
        return known[key]
    # a row made now may still be rolled back with this transaction: remember it next time
    return await crud.get_or_create_workspace(
        session, team_id=actor.team_id, enterprise_id=actor.enterprise_id
    )
