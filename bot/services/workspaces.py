"""Who is acting, and in which workspace: always taken from the verified Slack request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import crud
from storage.models import Workspace


@dataclass(frozen=True)
class Actor:
    team_id: str
    user_id: str
    enterprise_id: str = ""

    @classmethod
    def from_context(cls, context: Any) -> Actor:
        """From Bolt's context, which Bolt fills from the signed request, never from user input."""
        return cls(
            team_id=context.team_id or "",
            user_id=context.user_id or "",
            enterprise_id=context.enterprise_id or "",
        )


async def workspace_of(session: AsyncSession, actor: Actor) -> Workspace:
    return await crud.get_or_create_workspace(
        session, team_id=actor.team_id, enterprise_id=actor.enterprise_id
    )
