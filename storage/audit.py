"""Queries for the audit trail: the events a change writes and a project's history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    AuditEvent,
    LinkingRequest,
    Video,
    column_values,
)
from storage.prepared import Prepared, returning_id


def _project_history_filter(workspace_id: int, project_id: int) -> Any:
    video_ids = select(Video.id).where(col(Video.project_id) == project_id)
    request_ids = select(LinkingRequest.id).where(col(LinkingRequest.project_id) == project_id)
    target_type, target_id = col(AuditEvent.target_type), col(AuditEvent.target_id)
    return and_(
        col(AuditEvent.workspace_id) == workspace_id,
        or_(
            and_(target_type == "project", target_id == project_id),
            and_(target_type == "video", target_id.in_(video_ids)),
            and_(target_type == "linking_request", target_id.in_(request_ids)),
        ),
    )


async def project_history(
    session: AsyncSession, *, workspace_id: int, project_id: int, offset: int = 0, limit: int = 10
) -> tuple[Sequence[AuditEvent], int]:
    """The audit events of a project, its videos and its linking requests, newest first; and how many."""
    where = _project_history_filter(workspace_id, project_id)
    query = (
        select(AuditEvent)
        .where(where)
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
        .offset(offset)
        .limit(limit)
    )
    total = (await session.execute(select(func.count()).select_from(AuditEvent).where(where))).scalar_one()
    return (await session.execute(query)).scalars().all(), int(total)


def add_audit_event(
    session: AsyncSession,
    *,
    workspace_id: int,
    actor: str,
    action: str,
    target_type: str,
    target_id: int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        workspace_id=workspace_id,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
    )
    session.add(event)
    return event


def insert_audit_event(connection: Connection, event: AuditEvent) -> int:
    """`add_audit_event` in a write unit (see `storage.writer`): `event` is written, not tracked; its id."""
    found = _INSERT_AUDIT.inserted_id(connection, column_values(event, AUDIT_COLUMNS))
    assert found is not None  # a plain INSERT: its row is always written
    return found


# compiled once: write units run it many times a second
# (the columns a write unit gives: all but the id)
AUDIT_COLUMNS = [column.name for column in AuditEvent.__table__.columns if column.name != "id"]  # type: ignore[attr-defined]
_INSERT_AUDIT = Prepared(
    lambda dialect: returning_id(AuditEvent.__table__.insert(), AuditEvent.__table__.c.id, dialect),  # type: ignore[attr-defined]
    keys=AUDIT_COLUMNS,
)
