"""Queries: keyword-only functions that take the session. Every one is scoped by workspace_id,
except the lookups by unguessable token that the creator pages use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    AdsAccount,
    Anchor,
    AuditEvent,
    BrandProfile,
    ChannelSettings,
    LinkingRequest,
    LiteProject,
    OutboxMessage,
    OutboxStatus,
    ProjectAdsAccount,
    ProjectManager,
    ReviewState,
    SparkCheck,
    Subscription,
    UserSettings,
    Video,
    VideoStatus,
    Workspace,
    utcnow,
)

# --- workspaces -------------------------------------------------------------------------------


async def find_workspace(session: AsyncSession, *, team_id: str, enterprise_id: str = "") -> Workspace | None:
    query = select(Workspace).where(Workspace.team_id == team_id, Workspace.enterprise_id == enterprise_id)
    return (await session.execute(query)).scalar_one_or_none()


async def get_or_create_workspace(
    session: AsyncSession, *, team_id: str, enterprise_id: str = ""
) -> Workspace:
    query = select(Workspace).where(Workspace.team_id == team_id, Workspace.enterprise_id == enterprise_id)
    workspace = (await session.execute(query)).scalar_one_or_none()
    if workspace is not None:
        return workspace
    insert = _insert_for(session)(Workspace).values(
        team_id=team_id, enterprise_id=enterprise_id, name="", created_at=utcnow()
    )
    await session.execute(insert.on_conflict_do_nothing(index_elements=["enterprise_id", "team_id"]))
    return (await session.execute(query)).scalar_one()


def is_unique_violation(error: IntegrityError) -> bool:
    """True when the database refused a row because another one holds the same unique value."""
    original = error.orig
    if getattr(original, "sqlstate", None) == "23505":  # PostgreSQL's unique_violation
        return True
    return "UNIQUE constraint failed" in str(original)  # SQLite says it in words


def _insert_for(session: AsyncSession) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT DO NOTHING (SQLite and PostgreSQL both do)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


# --- assets: brand profiles, Ads Manager accounts, anchors --------------------------------------


async def list_brands(session: AsyncSession, *, workspace_id: int) -> Sequence[BrandProfile]:
    query = select(BrandProfile).where(BrandProfile.workspace_id == workspace_id).order_by(BrandProfile.name)
    return (await session.execute(query)).scalars().all()


async def get_brand(session: AsyncSession, *, workspace_id: int, brand_id: int) -> BrandProfile | None:
    query = select(BrandProfile).where(BrandProfile.workspace_id == workspace_id, BrandProfile.id == brand_id)
    return (await session.execute(query)).scalar_one_or_none()


async def projects_of_brand(
    session: AsyncSession, *, workspace_id: int, brand_id: int
) -> Sequence[LiteProject]:
    query = select(LiteProject).where(
        LiteProject.workspace_id == workspace_id, LiteProject.brand_id == brand_id
    )
    return (await session.execute(query)).scalars().all()


async def find_brand_by_name(session: AsyncSession, *, workspace_id: int, name: str) -> BrandProfile | None:
    query = select(BrandProfile).where(
        BrandProfile.workspace_id == workspace_id, func.lower(BrandProfile.name) == name.lower()
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_ads_accounts(session: AsyncSession, *, workspace_id: int) -> Sequence[AdsAccount]:
    query = (
        select(AdsAccount).where(AdsAccount.workspace_id == workspace_id).order_by(AdsAccount.display_name)
    )
    return (await session.execute(query)).scalars().all()


async def get_ads_accounts(
    session: AsyncSession, *, workspace_id: int, ids: Sequence[int]
) -> Sequence[AdsAccount]:
    query = select(AdsAccount).where(AdsAccount.workspace_id == workspace_id, col(AdsAccount.id).in_(ids))
    return (await session.execute(query)).scalars().all()


async def find_ads_account(
    session: AsyncSession, *, workspace_id: int, advertiser_id: str
) -> AdsAccount | None:
    query = select(AdsAccount).where(
        AdsAccount.workspace_id == workspace_id, AdsAccount.advertiser_id == advertiser_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_anchors(session: AsyncSession, *, workspace_id: int) -> Sequence[Anchor]:
    query = select(Anchor).where(Anchor.workspace_id == workspace_id).order_by(Anchor.name)
    return (await session.execute(query)).scalars().all()


async def get_anchor(session: AsyncSession, *, workspace_id: int, anchor_id: int) -> Anchor | None:
    query = select(Anchor).where(Anchor.workspace_id == workspace_id, Anchor.id == anchor_id)
    return (await session.execute(query)).scalar_one_or_none()


async def find_anchor_by_name(session: AsyncSession, *, workspace_id: int, name: str) -> Anchor | None:
    query = select(Anchor).where(Anchor.workspace_id == workspace_id, func.lower(Anchor.name) == name.lower())
    return (await session.execute(query)).scalar_one_or_none()


# --- lite projects ------------------------------------------------------------------------------


async def get_project(session: AsyncSession, *, workspace_id: int, project_id: int) -> LiteProject | None:
    query = select(LiteProject).where(LiteProject.workspace_id == workspace_id, LiteProject.id == project_id)
    return (await session.execute(query)).scalar_one_or_none()


async def get_project_for_update(
    session: AsyncSession, *, workspace_id: int, project_id: int
) -> LiteProject | None:
    # FOR UPDATE serialises concurrent pauses/edits on PostgreSQL; SQLite ignores it (one writer)
    query = (
        select(LiteProject)
        .where(LiteProject.workspace_id == workspace_id, LiteProject.id == project_id)
        .with_for_update()
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get_project_by_token(session: AsyncSession, *, invite_token: str) -> LiteProject | None:
    query = select(LiteProject).where(LiteProject.invite_token == invite_token)
    return (await session.execute(query)).scalar_one_or_none()


async def find_projects_by_name(
    session: AsyncSession, *, workspace_id: int, name: str, limit: int = 10
) -> Sequence[LiteProject]:
    """Projects whose link name equals `name` or starts with it, case-insensitively."""
    lowered = name.lower()
    link_name = func.lower(LiteProject.link_name)
    query = (
        select(LiteProject)
        .where(LiteProject.workspace_id == workspace_id, link_name.startswith(lowered, autoescape=True))
        .order_by(case((link_name == lowered, 0), else_=1), LiteProject.link_name)
        .limit(limit)
    )
    return (await session.execute(query)).scalars().all()


async def find_project_with_link_name(
    session: AsyncSession, *, workspace_id: int, link_name: str
) -> LiteProject | None:
    """The project whose link name is this one, any case (names are stored without outer spaces)."""
    query = select(LiteProject).where(
        LiteProject.workspace_id == workspace_id,
        func.lower(LiteProject.link_name) == link_name.strip().lower(),
    )
    return (await session.execute(query)).scalars().first()


def _project_scope(workspace_id: int, *, archived: bool, user_id: str | None) -> list[Any]:
    """Which projects a list shows: live or archived ones, and only `user_id`'s when given."""
    archived_at = col(LiteProject.archived_at)
    where = [
        col(LiteProject.workspace_id) == workspace_id,
        archived_at.is_not(None) if archived else archived_at.is_(None),
    ]
    if user_id is not None:
        managed = select(ProjectManager.project_id).where(ProjectManager.user_id == user_id)
        where.append(or_(col(LiteProject.created_by) == user_id, col(LiteProject.id).in_(managed)))
    return where


async def list_projects(
    session: AsyncSession,
    *,
    workspace_id: int,
    offset: int = 0,
    limit: int = 20,
    archived: bool = False,
    user_id: str | None = None,
) -> Sequence[LiteProject]:
    """Newest first; the (workspace_id, created_at) index keeps this flat as projects grow.

    Archived projects only when `archived`; only those `user_id` owns or manages when given.
    """
    query = (
        select(LiteProject)
        .where(*_project_scope(workspace_id, archived=archived, user_id=user_id))
        .order_by(col(LiteProject.created_at).desc(), col(LiteProject.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return (await session.execute(query)).scalars().all()


async def project_ids_with_state(session: AsyncSession, *, workspace_id: int, active: bool) -> list[int]:
    query = (
        select(LiteProject.id)
        .where(
            LiteProject.workspace_id == workspace_id,
            LiteProject.active == active,
            col(LiteProject.archived_at).is_(None),  # archived projects stay as they are
        )
        .order_by(col(LiteProject.id))
    )
    return [
        project_id for project_id in (await session.execute(query)).scalars().all() if project_id is not None
    ]


async def count_projects(
    session: AsyncSession, *, workspace_id: int, archived: bool = False, user_id: str | None = None
) -> int:
    query = (
        select(func.count())
        .select_from(LiteProject)
        .where(*_project_scope(workspace_id, archived=archived, user_id=user_id))
    )
    return int((await session.execute(query)).scalar_one())


async def project_ads_account_ids(session: AsyncSession, *, project_id: int) -> list[int]:
    query = select(ProjectAdsAccount.ads_account_id).where(ProjectAdsAccount.project_id == project_id)
    return sorted((await session.execute(query)).scalars().all())


async def set_project_ads_accounts(
    session: AsyncSession, *, project_id: int, ads_account_ids: Sequence[int]
) -> None:
    current = set(await project_ads_account_ids(session, project_id=project_id))
    wanted = set(ads_account_ids)
    for removed in current - wanted:
        link = await session.get(ProjectAdsAccount, (project_id, removed))
        if link is not None:
            await session.delete(link)
    for added in sorted(wanted - current):
        session.add(ProjectAdsAccount(project_id=project_id, ads_account_id=added))
    await session.flush()


async def project_manager_ids(session: AsyncSession, *, project_id: int) -> list[str]:
    query = select(ProjectManager.user_id).where(ProjectManager.project_id == project_id)
    return sorted((await session.execute(query)).scalars().all())


async def set_project_managers(session: AsyncSession, *, project_id: int, user_ids: Sequence[str]) -> None:
    current = set(await project_manager_ids(session, project_id=project_id))
    wanted = set(user_ids)
    for removed in current - wanted:
        manager = await session.get(ProjectManager, (project_id, removed))
        if manager is not None:
            await session.delete(manager)
    for added in sorted(wanted - current):
        session.add(ProjectManager(project_id=project_id, user_id=added))
    await session.flush()


@dataclass(frozen=True)
class VideoCounts:
    delivered: int = 0
    authorized: int = 0
    to_review: int = 0  # delivered or authorized, neither approved nor rejected yet
    verified: int = 0  # spark codes TikTok API for Business confirmed
    code_problems: int = 0  # spark codes TikTok refused, too short, or asked to be replaced


async def video_counts(session: AsyncSession, *, project_ids: Sequence[int]) -> dict[int, VideoCounts]:
    """Videos per project: all received, and those with an active ad authorization."""
    if not project_ids:
        return {}
    authorized = func.sum(case((col(Video.status) == VideoStatus.AUTHORIZED, 1), else_=0))
    to_review = func.sum(
        case(
            (
                and_(
                    col(Video.review_state) == ReviewState.UNREVIEWED,
                    col(Video.status).in_([VideoStatus.DELIVERED, VideoStatus.AUTHORIZED]),
                ),
                1,
            ),
            else_=0,
        )
    )
    verified = func.sum(
        case(
            (and_(col(Video.spark_check) == SparkCheck.VERIFIED, col(Video.spark_problem).is_(None)), 1),
            else_=0,
        )
    )
    problems = func.sum(
        case(
            (
                and_(
                    col(Video.spark_code).is_not(None),
                    or_(
                        col(Video.spark_check).in_(
                            [SparkCheck.OTHER_VIDEO, SparkCheck.INVALID, SparkCheck.EXPIRED]
                        ),
                        col(Video.spark_problem).is_not(None),
                        col(Video.new_code_requested_at).is_not(None),
                    ),
                ),
                1,
            ),
            else_=0,
        )
    )
    query = (
        sa_select(col(Video.project_id), func.count(), authorized, to_review, verified, problems)
        .where(col(Video.project_id).in_(project_ids))
        .group_by(col(Video.project_id))
    )
    rows = (await session.execute(query)).all()
    return {
        project_id: VideoCounts(int(total), int(auth or 0), int(review or 0), int(ok or 0), int(bad or 0))
        for project_id, total, auth, review, ok, bad in rows
    }


# --- audit and outbox -----------------------------------------------------------------------------


def _project_history_filter(workspace_id: int, project_id: int) -> Any:
    video_ids = select(Video.id).where(Video.project_id == project_id)
    request_ids = select(LinkingRequest.id).where(LinkingRequest.project_id == project_id)
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


def changed_only(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys whose values differ, as (before, after): what an audit event of an edit keeps."""
    keys = [key for key in before if before[key] != after.get(key)]
    return {key: before[key] for key in keys}, {key: after.get(key) for key in keys}


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


async def add_outbox_message(
    session: AsyncSession,
    *,
    workspace_id: int,
    dedup_key: str,
    kind: str,
    channel_id: str,
    payload: dict[str, Any],
    event: str | None = None,
    refresh_key: str | None = None,
) -> bool:
    """Queue a notification unless one with the same dedup key exists; True when queued."""
    now = utcnow()
    insert = _insert_for(session)(OutboxMessage).values(
        workspace_id=workspace_id,
        dedup_key=dedup_key,
        kind=kind,
        channel_id=channel_id,
        payload=payload,
        status=OutboxStatus.PENDING.value,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
        event=event,
        refresh_key=refresh_key,
    )
    result = await session.execute(insert.on_conflict_do_nothing(index_elements=["dedup_key"]))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def touch_pending_outbox_message(session: AsyncSession, *, refresh_key: str) -> bool:
    """Find (and lock) a queued, due, not yet claimed message with this refresh key; False when none.

    A claimed one has its lease in next_attempt_at, so the condition leaves it alone: then the
    caller queues a new message, rendered after its own change commits.
    """
    now = utcnow()
    query = (
        update(OutboxMessage)
        .where(
            # ix_outbox_refresh: an index range, whatever the size of the backlog
            col(OutboxMessage.refresh_key) == refresh_key,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.in_flight_since).is_(None),
            col(OutboxMessage.next_attempt_at) <= now,
        )
        # keeps its place in the queue: moving it later could let a newer message overtake it
        .values(next_attempt_at=col(OutboxMessage.next_attempt_at))
    )
    result = await session.execute(query)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def due_outbox_messages(
    session: AsyncSession, *, now: dt.datetime, limit: int = 50
) -> Sequence[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return (await session.execute(query)).scalars().all()


async def outbox_counts(session: AsyncSession, *, workspace_id: int) -> dict[str, int]:
    query = (
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.workspace_id == workspace_id)
        .group_by(col(OutboxMessage.status))
    )
    rows = (await session.execute(query)).all()
    return {str(getattr(status, "value", status)): int(count) for status, count in rows}


async def failed_outbox_messages(
    session: AsyncSession, *, workspace_id: int, limit: int = 10
) -> Sequence[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.workspace_id == workspace_id, OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(col(OutboxMessage.id).desc())
        .limit(limit)
    )
    return (await session.execute(query)).scalars().all()


async def retry_failed_outbox_messages(session: AsyncSession, *, workspace_id: int) -> int:
    query = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.workspace_id) == workspace_id, col(OutboxMessage.status) == OutboxStatus.FAILED
        )
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow(), last_error=None)
    )
    result = await session.execute(query)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def count_recent_individual_sends(
    session: AsyncSession, *, channel_id: str, event: str, since: dt.datetime
) -> int:
    """Messages of `event` sent to a channel one by one (not in a digest) since `since`."""
    query = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.channel_id == channel_id,
            OutboxMessage.event == event,
            OutboxMessage.status == OutboxStatus.SENT,
            col(OutboxMessage.digest_key).is_(None),
            col(OutboxMessage.sent_at) >= since,
        )
    )
    return int((await session.execute(query)).scalar_one())


async def pending_in_digest(session: AsyncSession, *, digest_key: str) -> Sequence[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.digest_key == digest_key, OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(col(OutboxMessage.id))
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return (await session.execute(query)).scalars().all()


# --- subscriptions and preferences ----------------------------------------------------------------


async def subscriptions_for_project(
    session: AsyncSession, *, workspace_id: int, project_id: int
) -> Sequence[Subscription]:
    """Subscriptions to this project, and to all projects of the workspace."""
    query = select(Subscription).where(
        Subscription.workspace_id == workspace_id,
        or_(col(Subscription.project_id).is_(None), col(Subscription.project_id) == project_id),
    )
    return (await session.execute(query)).scalars().all()


async def channel_subscriptions(
    session: AsyncSession, *, workspace_id: int, channel_id: str
) -> Sequence[Subscription]:
    query = (
        select(Subscription)
        .where(Subscription.workspace_id == workspace_id, Subscription.channel_id == channel_id)
        .order_by(col(Subscription.id))
    )
    return (await session.execute(query)).scalars().all()


async def get_user_settings(session: AsyncSession, *, workspace_id: int, user_id: str) -> UserSettings | None:
    query = select(UserSettings).where(
        UserSettings.workspace_id == workspace_id, UserSettings.user_id == user_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get_channel_settings(
    session: AsyncSession, *, workspace_id: int, channel_id: str
) -> ChannelSettings | None:
    query = select(ChannelSettings).where(
        ChannelSettings.workspace_id == workspace_id, ChannelSettings.channel_id == channel_id
    )
    return (await session.execute(query)).scalar_one_or_none()
