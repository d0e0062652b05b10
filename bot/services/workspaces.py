"""Who is acting, and in which workspace: always taken from the verified Slack request."""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from storage import workspaces as workspace_queries
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


# workspace rows never change or go away once made: remember them per database, not per request.
# Only committed rows go in: a row this session made may still be rolled back with it, and an id
# remembered from it would point every later insert at a row that no longer exists.
_known: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], Workspace]] = weakref.WeakKeyDictionary()
_UNCOMMITTED = "liteproject.uncommitted_workspaces"


def _detached(row: Workspace) -> Workspace:
    """A copy bound to no session: a rollback elsewhere can't expire it."""
    return Workspace(
        id=row.id,
        team_id=row.team_id,
        enterprise_id=row.enterprise_id,
        name=row.name,
        created_at=row.created_at,
    )


def _remember_after_commit(session: AsyncSession, key: tuple[str, str], row: Workspace) -> None:
    known = _known.setdefault(session.get_bind(), {})
    pending: dict[tuple[str, str], Workspace] = session.info.setdefault(_UNCOMMITTED, {})
    first = not pending
    pending[key] = row
    if not first:
        return  # this transaction's listeners are already in place

    def committed(_session: Any) -> None:
        known.update(session.info.pop(_UNCOMMITTED, {}))

    def rolled_back(_session: Any, _transaction: Any = None) -> None:
        session.info.pop(_UNCOMMITTED, None)

    event.listen(session.sync_session, "after_commit", committed, once=True)
    event.listen(session.sync_session, "after_rollback", rolled_back, once=True)


async def workspace_of(session: AsyncSession, actor: Actor) -> Workspace:
    known = _known.setdefault(session.get_bind(), {})
    key = (actor.enterprise_id, actor.team_id)
    if key in known:
        return known[key]
    pending = session.info.get(_UNCOMMITTED, {})
    if key in pending:
        # made earlier in this same transaction: not committed yet, so not remembered yet
        return await workspace_queries.get_or_create_workspace(
            session, team_id=actor.team_id, enterprise_id=actor.enterprise_id
        )
    existing = await workspace_queries.find_workspace(
        session, team_id=actor.team_id, enterprise_id=actor.enterprise_id
    )
    if existing is not None:
        known[key] = _detached(existing)
        return known[key]
    created = await workspace_queries.get_or_create_workspace(
        session, team_id=actor.team_id, enterprise_id=actor.enterprise_id
    )
    _remember_after_commit(session, key, _detached(created))
    return created


def known_workspace_id(bind: Any, actor: Actor) -> int | None:
    """The id of the actor's workspace if its committed row is remembered for the database `bind`
    (a session's `get_bind()`, an engine's `sync_engine`), else None: then a write unit reads it."""
    known = _known.get(bind)
    workspace = None if known is None else known.get((actor.enterprise_id, actor.team_id))
    return None if workspace is None else workspace.id


def remember_workspace(bind: Any, actor: Actor, workspace: Workspace) -> None:
    """Remember the actor's workspace row, read or made by a write unit whose writes are committed."""
    _known.setdefault(bind, {})[(actor.enterprise_id, actor.team_id)] = _detached(workspace)


async def workspace_id_of(session: AsyncSession, actor: Actor) -> int:
    """The id of the actor's workspace, which every query is scoped by (the row is made on first use)."""
    workspace = await workspace_of(session, actor)
    assert workspace.id is not None  # a flushed row always has its id
    return workspace.id
