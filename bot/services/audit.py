"""What an audit event keeps: the row it is about, and of an edit only what changed."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit as audit_queries
from storage.models import (
    AdsAccount,
    Anchor,
    AuditEvent,
    BrandProfile,
    LinkingRequest,
    LiteProject,
    Subscription,
    TikTokConnection,
    Video,
    unit_row,
)

Audited = (
    LiteProject
    | Video
    | LinkingRequest
    | TikTokConnection
    | BrandProfile
    | Anchor
    | AdsAccount
    | Subscription
)
# the word each kind of row goes by: its audit events' `target_type` (project history reads these)
TARGET_TYPES: dict[type, str] = {
    LiteProject: "project",
    Video: "video",
    LinkingRequest: "linking_request",
    TikTokConnection: "tiktok_connection",
    BrandProfile: "brand",
    Anchor: "anchor",
    AdsAccount: "ads_account",
    Subscription: "subscription",
}


def changed_only(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys whose values differ, as (before, after): an edit's event keeps only those."""
    keys = [key for key in before if before[key] != after.get(key)]
    return {key: before[key] for key in keys}, {key: after.get(key) for key in keys}


class Change(TypedDict):
    """Who did what to the row, as its audit event keeps it (of an edit, see `changed_only`)."""

    actor: str
    action: str
    before: NotRequired[dict[str, Any] | None]
    after: NotRequired[dict[str, Any] | None]


def record_event(session: AsyncSession, target: Audited, **change: Unpack[Change]) -> AuditEvent:
    """The audit event of a change to one row, in the caller's transaction: the row gives its
    workspace, type and id, so a call site names only who did what."""
    event = audit_event(target, **change)
    session.add(event)
    return event


def record_event_in_unit(connection: Connection, target: Audited, **change: Unpack[Change]) -> int:
    """`record_event` in a write unit (see `storage.writer`); the event's id. The row is built as
    write units build theirs (`unit_row`): the model's constructor costs several times more."""
    return audit_queries.insert_audit_event(connection, unit_row(AuditEvent, event_values(target, **change)))


def audit_event(target: Audited, **change: Unpack[Change]) -> AuditEvent:
    """An audit event's row, from the row it is about, for a session."""
    return AuditEvent(**event_values(target, **change))


def event_values(target: Audited, **change: Unpack[Change]) -> dict[str, Any]:
    """The one builder of an audit event's values: the changed row gives its workspace, type and id."""
    assert target.id is not None
    return {
        "workspace_id": target.workspace_id,
        "target_type": TARGET_TYPES[type(target)],
        "target_id": target.id,
        **change,
    }
