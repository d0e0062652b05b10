"""Queries about projects, their links to ads accounts and managers, and their video counts.
Every one is scoped by workspace_id, except the lookup by unguessable invite token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    case,
    delete,
    exists,
    func,
    or_,
    type_coerce,
)
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    AdsAccount,
    Anchor,
    BrandProfile,
    HomeOpen,
    LiteProject,
    ProjectAdsAccount,
    ProjectManager,
    ReviewState,
    SparkCheck,
    Subscription,
    TikTokConnection,
    TikTokConnectionKind,
    TikTokConnectionStatus,
    UserSettings,
    Video,
    VideoStatus,
    column_values,
    unit_row,
)
from storage.preferences import Recipients, recipients_of
from storage.prepared import Prepared


async def get_project(session: AsyncSession, *, workspace_id: int, project_id: int) -> LiteProject | None:
    query = select(LiteProject).where(
        col(LiteProject.workspace_id) == workspace_id, col(LiteProject.id) == project_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get_project_for_update(
    session: AsyncSession, *, workspace_id: int, project_id: int
) -> LiteProject | None:
    # FOR UPDATE serialises concurrent pauses/edits on PostgreSQL; SQLite ignores it (one writer)
    query = (
        select(LiteProject)
        .where(col(LiteProject.workspace_id) == workspace_id, col(LiteProject.id) == project_id)
        .with_for_update()
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get_project_by_token(session: AsyncSession, *, invite_token: str) -> LiteProject | None:
    query = select(LiteProject).where(col(LiteProject.invite_token) == invite_token)
    return (await session.execute(query)).scalar_one_or_none()


def project_and_recipients_by_token(
    connection: Connection, *, invite_token: str
) -> tuple[LiteProject, Recipients] | None:
    """`get_project_by_token` in a write unit (see `storage.writer`: a `LiteProject` no session
    tracks), with the project's `delivery_recipients`, in one query (on PostgreSQL one round trip
    of a delivery's, instead of two)."""
    row = _PROJECT_AND_RECIPIENTS.first(connection, {"invite_token": invite_token})
    return None if row is None else _project_and_recipients_of(row._asdict())


def projects_recipients_and_video_ids(
    connection: Connection, *, invite_tokens: Sequence[str], count: int, autocommit: bool = False
) -> tuple[dict[str, tuple[LiteProject, Recipients]], list[int]]:
    """PostgreSQL: `project_and_recipients_by_token` of each of `invite_tokens` (by token; an
    unknown one is missing), and the ids `count` new videos will take (from their sequence, so the
    rows about each can be written with it in one statement; one that stores nothing leaves a gap).
    `autocommit`: see `storage.prepared`."""
    params = {"invite_tokens": list(invite_tokens), "count": count}
    found: dict[str, tuple[LiteProject, Recipients]] = {}
    ids: list[int] = []
    for row in _PROJECTS_RECIPIENTS_AND_VIDEO_IDS.rows(connection, params, autocommit=autocommit):
        fields = row._asdict()
        ids = [int(video_id) for video_id in fields.pop("new_video_ids")]
        project, recipients = _project_and_recipients_of(fields)
        found[project.invite_token] = (project, recipients)
    return found, ids


def _project_and_recipients_of(fields: dict[str, Any]) -> tuple[LiteProject, Recipients]:
    subscriptions, users = fields.pop("recipient_subscriptions"), fields.pop("recipient_dms")
    project = unit_row(LiteProject, fields)
    return project, recipients_of(
        [tuple(subscription) for subscription in subscriptions or ()], users or [], owner=project.created_by
    )


def _project_and_recipients(dialect: Dialect, *, by_tokens: bool = False) -> Any:
    """The project's row with its recipients as two JSON arrays, aggregated by each database's
    own functions (SQLite's aggregate of no rows is `[]`, PostgreSQL's NULL); `by_tokens`: the
    projects of an array of tokens (PostgreSQL)."""
    projects = LiteProject.__table__  # type: ignore[attr-defined]
    sqlite = dialect.name == "sqlite"
    aggregate, array = (
        (func.json_group_array, func.json_array) if sqlite else (func.json_agg, func.json_build_array)
    )
    # SQLite keeps JSON as text: json() makes the array hold the list, not a string of it
    events = func.json(col(Subscription.events)) if sqlite else col(Subscription.events)
    subscriptions = sa_select(
        aggregate(
            array(
                col(Subscription.channel_id),
                col(Subscription.project_id),
                events,
                col(Subscription.creator_handle),
            )
        )
    ).where(
        col(Subscription.workspace_id) == projects.c.workspace_id,
        or_(col(Subscription.project_id).is_(None), col(Subscription.project_id) == projects.c.id),
    )
    managers = (
        sa_select(col(ProjectManager.user_id))
        .where(col(ProjectManager.project_id) == projects.c.id)
        .correlate(projects)  # two levels down: not found by itself
    )
    wanting_dms = sa_select(aggregate(col(UserSettings.user_id))).where(
        col(UserSettings.workspace_id) == projects.c.workspace_id,
        col(UserSettings.action_dms).is_(True),
        or_(col(UserSettings.user_id) == projects.c.created_by, col(UserSettings.user_id).in_(managers)),
    )
    return sa_select(
        *projects.columns,
        type_coerce(subscriptions.scalar_subquery(), JSON).label("recipient_subscriptions"),
        type_coerce(wanting_dms.scalar_subquery(), JSON).label("recipient_dms"),
    ).where(
        projects.c.invite_token == any_(bindparam("invite_tokens", type_=ARRAY(String)))
        if by_tokens
        else projects.c.invite_token == bindparam("invite_token")
    )


# compiled once: write units run them many times a second
_PROJECT_AND_RECIPIENTS = Prepared(_project_and_recipients)
# the next id of the videos' serial column, from its sequence (`<table>_id_seq`, as PostgreSQL
# names a serial's)
VIDEO_ID_SEQUENCE = Video.__tablename__ + "_id_seq"
# (the ids' subquery is evaluated once for the statement, not once a row)
_PROJECTS_RECIPIENTS_AND_VIDEO_IDS = Prepared(
    lambda dialect: _project_and_recipients(dialect, by_tokens=True).add_columns(
        sa_select(func.array_agg(func.nextval(VIDEO_ID_SEQUENCE)))
        .select_from(func.generate_series(1, bindparam("count", type_=Integer)))
        .scalar_subquery()
        .label("new_video_ids")
    )
)


def insert_project(connection: Connection, *, project: LiteProject) -> int:
    """Store a new `project` in a write unit (see `storage.writer`); its id. A taken name or token
    raises the unique index's IntegrityError."""
    return int(_INSERT_PROJECT.scalar(connection, column_values(project, _PROJECT_COLUMNS)))


def insert_project_ads_accounts(
    connection: Connection, *, project_id: int, ads_account_ids: Sequence[int]
) -> None:
    """A new project's links to its ads accounts, in a write unit (it has none yet)."""
    links = [
        {"project_id": project_id, "ads_account_id": account} for account in sorted(set(ads_account_ids))
    ]
    for link in links:
        _INSERT_ADS_ACCOUNT_LINK.rowcount(connection, link)


# compiled once, as the unit's other statements
_PROJECT_COLUMNS = [column.name for column in LiteProject.__table__.columns if column.name != "id"]  # type: ignore[attr-defined]
_INSERT_PROJECT = Prepared(
    LiteProject.__table__.insert().returning(LiteProject.__table__.c.id),  # type: ignore[attr-defined]
    keys=_PROJECT_COLUMNS,
)
_INSERT_ADS_ACCOUNT_LINK = Prepared(
    ProjectAdsAccount.__table__.insert(),  # type: ignore[attr-defined]
    keys=["project_id", "ads_account_id"],
)


async def find_projects_by_name(
    session: AsyncSession, *, workspace_id: int, name: str, limit: int = 10, for_update: bool = False
) -> Sequence[LiteProject]:
    """Projects whose link name equals `name` or starts with it, case-insensitively.

    `for_update` locks what it finds, for a change that looks its project up by name.
    """
    lowered = name.lower()
    link_name = func.lower(LiteProject.link_name)
    query = (
        select(LiteProject)
        .where(col(LiteProject.workspace_id) == workspace_id, link_name.startswith(lowered, autoescape=True))
        .order_by(case((link_name == lowered, 0), else_=1), LiteProject.link_name)
        .limit(limit)
    )
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalars().all()


async def find_project_with_link_name(
    session: AsyncSession, *, workspace_id: int, link_name: str
) -> LiteProject | None:
    """The project whose link name is this one, any case (names are stored without outer spaces)."""
    query = select(LiteProject).where(
        col(LiteProject.workspace_id) == workspace_id,
        func.lower(LiteProject.link_name) == link_name.strip().lower(),
    )
    return (await session.execute(query)).scalars().first()


@dataclass(frozen=True)
class CreateChecks:
    """What a create checks a draft against, read in its write unit in one statement."""

    brand_found: bool
    anchor_found: bool
    ads_accounts_found: int  # how many of the ids asked for are the workspace's
    name_holder: str | None  # the link name as the project holding it spells it, any case
    name_holder_archived: bool
    tiktok_one_status: TikTokConnectionStatus | None  # the workspace's TikTok One connection
    tiktok_one_accounts: list[str]
    home_opened: bool  # the actor opened App Home since the time given


def create_checks(
    connection: Connection,
    *,
    workspace_id: int,
    brand_id: int,
    anchor_id: int,
    ads_account_ids: Sequence[int],
    link_name: str,
    user_id: str,
    home_opened_since: dt.datetime,
) -> CreateChecks:
    """In a write unit (see `storage.writer`): the reads of a create's checks. One statement
    rather than six: the unit runs on the writer's one connection, where each statement costs
    more in SQLAlchemy than in the database."""
    row = connection.execute(
        _CREATE_CHECKS,
        {
            "workspace_id": workspace_id,
            "brand_id": brand_id,
            "anchor_id": anchor_id,
            "ads_account_ids": list(ads_account_ids),
            "link_name": link_name.strip().lower(),
            "tiktok_one": TikTokConnectionKind.TIKTOK_ONE,
            "user_id": user_id,
            "since": home_opened_since,
        },
    ).one()
    status = row.tiktok_one_status
    return CreateChecks(
        brand_found=bool(row.brand_found),
        anchor_found=bool(row.anchor_found),
        ads_accounts_found=int(row.ads_accounts_found),
        name_holder=row.name_holder,
        name_holder_archived=bool(row.name_holder_archived),
        tiktok_one_status=None if status is None else TikTokConnectionStatus(status),
        tiktok_one_accounts=list(row.tiktok_one_accounts or []),
        home_opened=bool(row.home_opened),
    )


def _create_checks() -> Any:
    """Built once (at import): each read a scalar subquery of one SELECT."""
    workspace_id: Any = bindparam("workspace_id")
    same_name = [
        col(LiteProject.workspace_id) == workspace_id,
        func.lower(col(LiteProject.link_name)) == bindparam("link_name"),
    ]
    tiktok_one = [
        col(TikTokConnection.workspace_id) == workspace_id,
        col(TikTokConnection.kind) == bindparam("tiktok_one"),
    ]
    return sa_select(
        exists()
        .where(col(BrandProfile.workspace_id) == workspace_id, col(BrandProfile.id) == bindparam("brand_id"))
        .label("brand_found"),
        exists()
        .where(col(Anchor.workspace_id) == workspace_id, col(Anchor.id) == bindparam("anchor_id"))
        .label("anchor_found"),
        sa_select(func.count())
        .select_from(AdsAccount)
        .where(
            col(AdsAccount.workspace_id) == workspace_id,
            col(AdsAccount.id).in_(bindparam("ads_account_ids", expanding=True)),
        )
        .scalar_subquery()
        .label("ads_accounts_found"),
        sa_select(col(LiteProject.link_name))
        .where(*same_name)
        .limit(1)
        .scalar_subquery()
        .label("name_holder"),
        exists().where(*same_name, col(LiteProject.archived_at).is_not(None)).label("name_holder_archived"),
        sa_select(col(TikTokConnection.status))
        .where(*tiktok_one)
        .scalar_subquery()
        .label("tiktok_one_status"),
        sa_select(col(TikTokConnection.account_ids))
        .where(*tiktok_one)
        .scalar_subquery()
        .label("tiktok_one_accounts"),
        exists()
        .where(
            col(HomeOpen.workspace_id) == workspace_id,
            col(HomeOpen.user_id) == bindparam("user_id"),
            col(HomeOpen.opened_at) >= bindparam("since"),
        )
        .label("home_opened"),
    )


_CREATE_CHECKS = _create_checks()


def _project_scope(workspace_id: int, *, archived: bool, user_id: str | None) -> list[Any]:
    """Which projects a list shows: live or archived ones, and only `user_id`'s when given."""
    archived_at = col(LiteProject.archived_at)
    where = [
        col(LiteProject.workspace_id) == workspace_id,
        archived_at.is_not(None) if archived else archived_at.is_(None),
    ]
    if user_id is not None:
        managed = select(ProjectManager.project_id).where(col(ProjectManager.user_id) == user_id)
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
            col(LiteProject.workspace_id) == workspace_id,
            col(LiteProject.active) == active,
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
    query = select(ProjectAdsAccount.ads_account_id).where(col(ProjectAdsAccount.project_id) == project_id)
    return sorted((await session.execute(query)).scalars().all())


async def set_project_ads_accounts(
    session: AsyncSession, *, project_id: int, ads_account_ids: Sequence[int]
) -> None:
    await _sync_links(
        session, ProjectAdsAccount, "ads_account_id", project_id=project_id, wanted=ads_account_ids
    )


async def project_manager_ids(session: AsyncSession, *, project_id: int) -> list[str]:
    query = select(ProjectManager.user_id).where(col(ProjectManager.project_id) == project_id)
    return sorted((await session.execute(query)).scalars().all())


async def set_project_managers(session: AsyncSession, *, project_id: int, user_ids: Sequence[str]) -> None:
    await _sync_links(session, ProjectManager, "user_id", project_id=project_id, wanted=user_ids)


async def _sync_links(
    session: AsyncSession,
    table: type[ProjectAdsAccount] | type[ProjectManager],
    column: str,
    *,
    project_id: int,
    wanted: Sequence[Any],
) -> None:
    """Make a project's rows in a link table (keyed by project and `column`) exactly `wanted`:
    one DELETE for the ones that go, and new rows for the ones that come."""
    other = getattr(table, column)
    current = set((await session.execute(select(other).where(table.project_id == project_id))).scalars())
    gone = current - set(wanted)
    if gone:
        await session.execute(delete(table).where(col(table.project_id) == project_id, col(other).in_(gone)))
    for added in sorted(set(wanted) - current):
        session.add(table(project_id=project_id, **{column: added}))
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


async def project_advertiser_ids(session: AsyncSession, *, project_id: int) -> list[str]:
    """The TikTok advertiser ids of the project's Ads Manager accounts, in order."""
    query = (
        select(AdsAccount.advertiser_id)
        .join(ProjectAdsAccount, col(ProjectAdsAccount.ads_account_id) == col(AdsAccount.id))
        .where(col(ProjectAdsAccount.project_id) == project_id)
        .order_by(col(AdsAccount.advertiser_id))
    )
    return [str(advertiser) for advertiser in (await session.execute(query)).scalars().all()]


async def projects_of_campaign(
    session: AsyncSession, *, campaign_id: str, account_id: str | None = None
) -> Sequence[LiteProject]:
    """The projects mirrored by a TikTok One campaign (of that TikTok One account, when given)."""
    query = select(LiteProject).where(col(LiteProject.tto_campaign_id) == campaign_id)
    if account_id:
        query = query.where(col(LiteProject.tto_account_id) == account_id)
    return (await session.execute(query)).scalars().all()


async def campaign_ids_in_use(session: AsyncSession, *, workspace_id: int) -> set[str]:
    """The TikTok One campaigns the workspace's projects already mirror."""
    query = select(LiteProject.tto_campaign_id).where(
        col(LiteProject.workspace_id) == workspace_id, col(LiteProject.tto_campaign_id).is_not(None)
    )
    return {str(campaign) for campaign in (await session.execute(query)).scalars().all()}
