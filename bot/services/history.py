"""`/liteproject history`: who did what to a project, and when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.projects import account_names, get_project
from bot.services.workspaces import Actor
from storage import audit as audit_queries
from storage.models import AuditEvent, LiteProject


@dataclass(frozen=True)
class HistoryPage:
    project: LiteProject
    events: Sequence[AuditEvent]
    total: int
    offset: int
    limit: int
    # names of the Ads Manager accounts the events mention, so the history can say them
    accounts: dict[int, str] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.events) < self.total


async def project_history(
    session: AsyncSession,
    *,
    actor: Actor,
    project_id: int | None = None,
    name: str | None = None,
    offset: int = 0,
    limit: int = 10,
) -> HistoryPage:
    """A page of who did what to the project (by id, or by name when typed), newest first."""
    project = await get_project(session, actor=actor, project_id=project_id, name=name)
    assert project.id is not None
    offset = max(0, offset)
    events, total = await audit_queries.project_history(
        session, workspace_id=project.workspace_id, project_id=project.id, offset=offset, limit=limit
    )
    names = await account_names(
        session,
        workspace_id=project.workspace_id,
        snapshots=[side for event in events for side in (event.before, event.after)],
    )
    return HistoryPage(project, events, total, offset, limit, names)
