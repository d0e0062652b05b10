"""`/liteproject history`: who did what to a project, and when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.projects import get_project
from bot.services.workspaces import Actor
from storage import crud
from storage.models import AuditEvent, LiteProject


@dataclass(frozen=True)
class HistoryPage:
    project: LiteProject
    events: Sequence[AuditEvent]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.events) < self.total


async def project_history(
    session: AsyncSession, *, actor: Actor, project_id: int, offset: int = 0, limit: int = 10
) -> HistoryPage:
    project = await get_project(session, actor=actor, project_id=project_id)
    assert project.id is not None
    offset = max(0, offset)
    events, total = await crud.project_history(
        session, workspace_id=project.workspace_id, project_id=project.id, offset=offset, limit=limit
    )
    return HistoryPage(project, events, total, offset, limit)
