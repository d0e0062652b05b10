"""Queries about videos: keyword-only functions that take the session (or, in a write unit, the
connection: see `storage.writer`).

Lookups a Slack user asks for are scoped by workspace_id; the creator pages find the project by
its unguessable invite token first and then ask by project.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Integer,
    Select,
    Text,
    any_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage import audit as audit_queries
from storage import jobs as job_queries
from storage import outbox as outbox_queries
from storage.models import (
    AuditEvent,
    Job,
    LiteProject,
    OutboxMessage,
    ReviewState,
    SparkCheck,
    UTCDateTime,
    Video,
    VideoAdsAccount,
    VideoStatus,
    column_values,
    unit_row,
    utcnow,
)
from storage.prepared import Prepared, returning_id
from storage.sql import dialect_insert, in_chunks

# the videos list's filters by review (review states, not VideoStatus values)
REJECTED = "rejected"
APPROVED = "approved"
TO_REVIEW = "to_review"
CODE_PROBLEMS = "code_problems"  # a spark code TikTok refused, too short, or asked to be replaced


async def get_video_by_key(session: AsyncSession, *, project_id: int, video_key: str) -> Video | None:
    query = select(Video).where(col(Video.project_id) == project_id, col(Video.video_key) == video_key)
    return (await session.execute(query)).scalar_one_or_none()


def video_by_key(
    connection: Connection, *, project_id: int, video_key: str, autocommit: bool = False
) -> Video | None:
    """`get_video_by_key` in a write unit (see `storage.writer`: a `Video` no session tracks);
    `autocommit`: see `storage.prepared`."""
    params = {"project_id": project_id, "video_key": video_key}
    row = _PREPARED_VIDEO_BY_KEY.first(connection, params, autocommit=autocommit)
    return None if row is None else unit_row(Video, row._asdict())


async def get_video(session: AsyncSession, *, workspace_id: int, video_id: int) -> Video | None:
    query = select(Video).where(col(Video.workspace_id) == workspace_id, col(Video.id) == video_id)
    return (await session.execute(query)).scalar_one_or_none()


async def get_video_for_update(session: AsyncSession, *, workspace_id: int, video_id: int) -> Video | None:
    query = (
        select(Video)
        .where(col(Video.workspace_id) == workspace_id, col(Video.id) == video_id)
        .with_for_update()
    )
    return (await session.execute(query)).scalar_one_or_none()


def _filtered(query: Select[Any], *, workspace_id: int, project_id: int, status: str | None) -> Select[Any]:
    query = query.where(col(Video.workspace_id) == workspace_id, col(Video.project_id) == project_id)
    if status == REJECTED:
        return query.where(col(Video.review_state) == ReviewState.REJECTED)
    if status == APPROVED:
        return query.where(col(Video.review_state) == ReviewState.APPROVED)
    if status == TO_REVIEW:
        return _to_review(query)
    if status == CODE_PROBLEMS:
        return query.where(
            col(Video.spark_code).is_not(None),
            or_(
                col(Video.spark_check).in_([SparkCheck.OTHER_VIDEO, SparkCheck.INVALID, SparkCheck.EXPIRED]),
                col(Video.spark_problem).is_not(None),
                col(Video.new_code_requested_at).is_not(None),
            ),
        )
    if status is not None:
        return query.where(col(Video.status) == status)
    return query


async def page_project_videos(
    session: AsyncSession,
    *,
    workspace_id: int,
    project_id: int,
    status: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[Video], int]:
    """One page of a project's videos, newest first, and how many match in all.

    `status` is a VideoStatus value, or "rejected" for videos the team rejected in review.
    """
    query = _filtered(select(Video), workspace_id=workspace_id, project_id=project_id, status=status)
    query = query.order_by(col(Video.delivered_at).desc(), col(Video.id).desc()).offset(offset).limit(limit)
    videos = (await session.execute(query)).scalars().all()
    counting = _filtered(
        select(func.count()).select_from(Video),
        workspace_id=workspace_id,
        project_id=project_id,
        status=status,
    )
    return videos, int((await session.execute(counting)).scalar_one())


async def all_project_videos(session: AsyncSession, *, workspace_id: int, project_id: int) -> Sequence[Video]:
    """Every video of a project, oldest first (exports)."""
    query = (
        select(Video)
        .where(col(Video.workspace_id) == workspace_id, col(Video.project_id) == project_id)
        .order_by(col(Video.delivered_at), col(Video.id))
    )
    return (await session.execute(query)).scalars().all()


async def existing_keys(session: AsyncSession, *, project_id: int, keys: Sequence[str]) -> set[str]:
    if not keys:
        return set()
    query = select(col(Video.video_key)).where(
        col(Video.project_id) == project_id, col(Video.video_key).in_(keys)
    )
    return set((await session.execute(query)).scalars().all())


async def projects_with_authorizations(session: AsyncSession) -> Sequence[int]:
    """Projects (of every workspace) with at least one authorized video: the daily job's list."""
    query = select(col(Video.project_id)).where(col(Video.status) == VideoStatus.AUTHORIZED).distinct()
    return (await session.execute(query)).scalars().all()


async def authorized_before(
    session: AsyncSession, *, project_id: int, authorized_before: dt.datetime
) -> Sequence[Video]:
    """A project's authorized videos whose authorization started before the given moment."""
    query = (
        select(Video)
        .where(
            col(Video.project_id) == project_id,
            col(Video.status) == VideoStatus.AUTHORIZED,
            col(Video.authorized_at) <= authorized_before,
        )
        .order_by(col(Video.authorized_at), col(Video.id))
    )
    return (await session.execute(query)).scalars().all()


async def authorized_videos(session: AsyncSession, *, project_id: int) -> Sequence[Video]:
    """A project's authorized videos, oldest authorization first (the daily reminders)."""
    query = (
        select(Video)
        .where(col(Video.project_id) == project_id, col(Video.status) == VideoStatus.AUTHORIZED)
        .order_by(col(Video.authorized_at), col(Video.id))
    )
    return (await session.execute(query)).scalars().all()


async def spark_code_in_use(
    session: AsyncSession, *, workspace_id: int, spark_code: str, video_key: str
) -> bool:
    """Whether another video of the workspace (in any project) already carries this exact code.

    The same TikTok video delivered to two projects is one video: its code may appear in both.
    On PostgreSQL the check holds a transaction lock on the code first, so two replicas storing
    the same code at once take turns and the second sees the first (SQLite runs one writer).
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(SPARK_CODE_LOCK, {"key": _spark_code_lock_key(workspace_id, spark_code)})
    params = {"workspace_id": workspace_id, "spark_code": spark_code, "video_key": video_key}
    return (await session.execute(SPARK_CODE_USED, params)).first() is not None


def spark_code_used(connection: Connection, *, workspace_id: int, spark_code: str, video_key: str) -> bool:
    """`spark_code_in_use` in a write unit (see `storage.writer`)."""
    if connection.dialect.name == "postgresql":
        _PREPARED_LOCK.rows(connection, {"key": _spark_code_lock_key(workspace_id, spark_code)})
    params = {"workspace_id": workspace_id, "spark_code": spark_code, "video_key": video_key}
    return _PREPARED_CODE_USED.first(connection, params) is not None


def _spark_code_lock_key(workspace_id: int, spark_code: str) -> int:
    digest = hashlib.blake2b(f"spark:{workspace_id}:{spark_code}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


# built once: the write units run them many times a second, and building a statement costs more
# than running it on SQLite
SPARK_CODE_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
SPARK_CODE_USED = (
    select(col(Video.id))
    .where(
        col(Video.workspace_id) == bindparam("workspace_id"),
        col(Video.spark_code) == bindparam("spark_code"),
        col(Video.video_key) != bindparam("video_key"),
    )
    .limit(1)
)
_VIDEO_COLUMNS = [column.name for column in Video.__table__.columns if column.name != "id"]  # type: ignore[attr-defined]


_PREPARED_LOCK = Prepared(SPARK_CODE_LOCK)
_PREPARED_CODE_USED = Prepared(SPARK_CODE_USED)
_PREPARED_VIDEO_BY_KEY = Prepared(
    select(Video.__table__).where(  # type: ignore[attr-defined]
        col(Video.project_id) == bindparam("project_id"), col(Video.video_key) == bindparam("video_key")
    )
)


def _insert_video(dialect: Dialect) -> Any:
    table = Video.__table__  # type: ignore[attr-defined]
    statement = dialect_insert(dialect.name)(table).on_conflict_do_nothing(
        index_elements=["project_id", "video_key"]
    )
    return returning_id(statement, table.c.id, dialect)


_INSERT_VIDEO = Prepared(_insert_video, keys=_VIDEO_COLUMNS)
_EVENT_COLUMNS = [name for name in audit_queries.AUDIT_COLUMNS if name != "target_id"]


def _insert_video_with_event() -> Any:
    """PostgreSQL: `WITH new_video AS (INSERT … ON CONFLICT DO NOTHING RETURNING id) INSERT INTO
    audit_events … SELECT … FROM new_video`: a repeat inserts neither row."""
    videos, events = Video.__table__, AuditEvent.__table__  # type: ignore[attr-defined]
    new_video = (
        dialect_insert("postgresql")(videos)
        .values({name: bindparam(name, type_=videos.c[name].type) for name in _VIDEO_COLUMNS})
        .on_conflict_do_nothing(index_elements=["project_id", "video_key"])
        .returning(videos.c.id)
        .cte("new_video")
    )
    names = audit_queries.AUDIT_COLUMNS
    chosen = [
        new_video.c.id if name == "target_id" else bindparam(f"event_{name}", type_=events.c[name].type)
        for name in names
    ]
    return (
        events.insert()
        .from_select(names, select(*chosen), include_defaults=False)
        .returning(events.c.target_id)
        .add_cte(new_video)
    )


_INSERT_VIDEO_WITH_EVENT = Prepared(_insert_video_with_event())


# the columns of the outbox's and the jobs' rows that differ from row to row of one delivery, sent
# as arrays (one text array each) and unnested: one statement, whatever the number of rows
_MESSAGE_ARRAYS = ("dedup_key", "channel_id", "kind", "event", "refresh_key", "payload")
# (a job's time to run may be later than now: its own, each)
_JOB_ARRAYS = ("kind", "key", "payload", "next_attempt_at")


def _unnested(prefix: str, names: Sequence[str]) -> Any:
    arrays = [bindparam(f"{prefix}_{name}", type_=ARRAY(Text)) for name in names]
    return func.unnest(*arrays).table_valued(*names).render_derived(name=prefix)


def _from_arrays(table: Any, rows: Any, prefix: str, columns: Sequence[str]) -> list[Any]:
    """The select list of the `columns` of an INSERT … SELECT into `table`: those of the unnested
    arrays `rows` (cast to the column's type), the others one value for all rows."""
    chosen: list[Any] = []
    for name in columns:
        if name in rows.c:
            # text into a text column as it is: its length checked by the column, not cut by a cast;
            # JSON and times cast from their text
            typed = isinstance(table.c[name].type, JSON | UTCDateTime)
            chosen.append(cast(rows.c[name], table.c[name].type) if typed else rows.c[name])
        elif name == "workspace_id":  # the video's own
            chosen.append(bindparam("workspace_id", type_=table.c[name].type))
        else:
            chosen.append(bindparam(f"{prefix}_{name}", type_=table.c[name].type))
    return chosen


def _insert_delivery() -> Any:
    """PostgreSQL: `WITH new_video AS (INSERT … ON CONFLICT DO NOTHING RETURNING id), event AS
    (INSERT …), touched AS (SELECT … FOR UPDATE), messages AS (INSERT … SELECT … FROM new_video,
    unnest(…)), new_jobs AS (…) SELECT id FROM new_video`: see `insert_delivery`."""
    videos, events = Video.__table__, AuditEvent.__table__  # type: ignore[attr-defined]
    outbox, jobs = OutboxMessage.__table__, Job.__table__  # type: ignore[attr-defined]
    new_video = (
        dialect_insert("postgresql")(videos)
        .values({name: bindparam(name, type_=videos.c[name].type) for name in ["id", *_VIDEO_COLUMNS]})
        .on_conflict_do_nothing(index_elements=["project_id", "video_key"])
        .returning(videos.c.id)
        .cte("new_video")
    )
    names = audit_queries.AUDIT_COLUMNS
    event = (
        events.insert()
        .from_select(
            names,
            select(
                *[
                    new_video.c.id
                    if name == "target_id"
                    else bindparam(f"event_{name}", type_=events.c[name].type)
                    for name in names
                ]
            ),
            include_defaults=False,
        )
        .cte("event")
    )
    touched = outbox_queries.PENDING_REFRESH_LOCKED.cte("touched")
    message_columns = list(outbox_queries.OUTBOX_KEYS)
    message_rows = _unnested("message", _MESSAGE_ARRAYS)
    messages = (
        dialect_insert("postgresql")(outbox)
        .from_select(
            message_columns,
            select(*_from_arrays(outbox, message_rows, "message", message_columns))
            .select_from(new_video)
            # the card refresh's row only when no queued refresh was found (and locked)
            .where(or_(message_rows.c.refresh_key.is_(None), ~exists(select(touched.c.id)))),
            include_defaults=False,
        )
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .cte("messages")
    )
    job_columns = list(job_queries.JOB_KEYS)
    new_jobs = (
        dialect_insert("postgresql")(jobs)
        .from_select(
            job_columns,
            select(*_from_arrays(jobs, _unnested("job", _JOB_ARRAYS), "job", job_columns)).select_from(
                new_video
            ),
            include_defaults=False,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .cte("new_jobs")
    )
    # the other statements run whether or not the SELECT reads them (PostgreSQL runs every
    # data-modifying WITH), and write nothing for a repeat (they select from new_video)
    return select(new_video.c.id).add_cte(event, messages, new_jobs)


_INSERT_DELIVERY = Prepared(_insert_delivery())


def insert_delivery(connection: Connection, params: dict[str, Any], *, autocommit: bool = False) -> bool:
    """PostgreSQL, in a write unit: a new video (its id given: see
    `storage.projects.projects_recipients_and_video_ids`), its audit event, its outbox rows but
    those whose dedup key is taken, its card refresh unless a queued one is found (and locked, as
    `touch_pending_in_unit` does), and its jobs but those whose key is taken, from their
    `delivery_params`. One statement, however many rows (one round trip, where a statement a row
    took one each); with `autocommit` (see `storage.prepared`) a transaction of its own, without
    BEGIN and COMMIT. False when the project already has this video: then nothing is written."""
    return _INSERT_DELIVERY.first(connection, params, autocommit=autocommit) is not None


def insert_deliveries(connection: Connection, deliveries: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL: `insert_delivery` of each of a batch's `delivery_params`, in one round trip and
    one transaction of their own (`Prepared.many`): each sees the rows of those before it (a card
    refresh queued by one is found by the next), and if one fails none is kept. Which videos were
    new: `stored_video_ids`."""
    _INSERT_DELIVERY.many(connection, deliveries)


def delivery_params(
    *,
    video: Video,
    event: AuditEvent,
    messages: Sequence[dict[str, Any]] = (),
    refresh: dict[str, Any] | None = None,
    jobs: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The parameters of `insert_delivery`'s statement: the `video`, its `event`, the `outbox_row`s
    of its `messages`, its card `refresh` and the `NewJob.row`s of its `jobs`."""
    assert video.id is not None
    params = column_values(video, ["id", *_VIDEO_COLUMNS])
    params.update({f"event_{name}": value for name, value in column_values(event, _EVENT_COLUMNS).items()})
    rows = [*messages, *([refresh] if refresh is not None else [])]
    params.update(_arrays("message", rows, _MESSAGE_ARRAYS, outbox_queries.OUTBOX_KEYS, video.workspace_id))
    params.update(_arrays("job", jobs, _JOB_ARRAYS, job_queries.JOB_KEYS, video.workspace_id))
    # a key no row has when there is no card to refresh
    params.update(touched_key=refresh["refresh_key"] if refresh is not None else "", now=utcnow())
    return params


def stored_video_ids(connection: Connection, *, ids: Sequence[int]) -> set[int]:
    """PostgreSQL, in a write unit: those of `ids` that are videos (a statement of its own)."""
    return {row.id for row in _STORED_VIDEO_IDS.rows(connection, {"ids": list(ids)}, autocommit=True)}


_STORED_VIDEO_IDS = Prepared(
    select(col(Video.id)).where(col(Video.id) == any_(bindparam("ids", type_=ARRAY(Integer))))
)


def _arrays(
    prefix: str, rows: Sequence[dict[str, Any]], names: Sequence[str], keys: Sequence[str], workspace_id: int
) -> dict[str, Any]:
    """The parameters of `_from_arrays`: a text array of each column in `names` (JSON and times as
    their text), one value of each other column, which every row must share (but the times of their
    making, microseconds apart: the first is taken)."""
    params: dict[str, Any] = {f"{prefix}_{name}": [_as_text(row[name]) for row in rows] for name in names}
    # with no rows, any values of the right types: nothing is inserted
    shared = rows[0] if rows else _SHAPES[prefix]()
    for key in keys:
        if key in names or key == "workspace_id":
            continue
        values = {row[key] for row in rows} or {shared[key]}
        if len(values) > 1 and not all(isinstance(value, dt.datetime) for value in values):
            raise ValueError(f"the rows differ in {key!r}: it isn't sent as an array")
        # a time each row took when it was made, microseconds apart: the first of them for all
        params[f"{prefix}_{key}"] = min(values)
    if any(row["workspace_id"] != workspace_id for row in rows):
        raise ValueError("every row of a delivery is of the video's workspace")
    return params


_SHAPES = {
    "message": lambda: outbox_queries.outbox_row(
        workspace_id=0, dedup_key="", kind="", channel_id="", payload={}
    ),
    "job": lambda: job_queries.NewJob("", "", {}).row(),
}


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()  # with its offset: PostgreSQL reads it back to the same instant
    return json.dumps(value)  # a payload, as the JSON type serializes it


def insert_new_video(connection: Connection, *, video: Video) -> int | None:
    """Store `video` in a write unit; its id, or None when its project already has this video."""
    return _INSERT_VIDEO.inserted_id(connection, column_values(video, _VIDEO_COLUMNS))


def insert_new_video_with_event(connection: Connection, *, video: Video, event: AuditEvent) -> int | None:
    """`insert_new_video`, and when the video is new its audit `event`, about it (its `target_id`
    is the new id). On PostgreSQL one statement, where two cost a round trip each."""
    if connection.dialect.name != "postgresql":
        video_id = insert_new_video(connection, video=video)
        if video_id is not None:
            event.target_id = video_id
            audit_queries.insert_audit_event(connection, event)
        return video_id
    params = column_values(video, _VIDEO_COLUMNS)
    params.update({f"event_{name}": value for name, value in column_values(event, _EVENT_COLUMNS).items()})
    video_id = _INSERT_VIDEO_WITH_EVENT.inserted_id(connection, params)
    if video_id is not None:
        event.target_id = video_id
    return video_id


def _to_review(query: Select[Any]) -> Select[Any]:
    """Videos the team still has to look at: delivered or authorized, not yet approved or rejected."""
    return query.where(
        col(Video.review_state) == ReviewState.UNREVIEWED,
        col(Video.status).in_([VideoStatus.DELIVERED, VideoStatus.AUTHORIZED]),
    )


async def existing_video_ids(session: AsyncSession, *, ids: Sequence[int]) -> set[int]:
    """Those of `ids` whose video exists (a statement per chunk of ids, not a lookup each)."""
    found: set[int] = set()
    for chunk in in_chunks(ids):
        query = select(col(Video.id)).where(col(Video.id).in_(chunk))
        found.update(
            video_id for video_id in (await session.execute(query)).scalars() if video_id is not None
        )
    return found


async def placements_of(session: AsyncSession, *, video_ids: Sequence[int]) -> Sequence[VideoAdsAccount]:
    """Where the videos' spark codes stand in each Ads Manager account they were sent to."""
    query = select(VideoAdsAccount).where(col(VideoAdsAccount.video_id).in_(video_ids))
    return (await session.execute(query)).scalars().all()


async def forget_placements(session: AsyncSession, *, video_id: int) -> None:
    await session.execute(delete(VideoAdsAccount).where(col(VideoAdsAccount.video_id) == video_id))


async def unchecked_codes(session: AsyncSession, *, workspace_id: int) -> Sequence[Video]:
    """Authorized videos of the workspace whose spark code TikTok was never asked about."""
    query = select(Video).where(
        col(Video.workspace_id) == workspace_id,
        col(Video.spark_code).is_not(None),
        col(Video.spark_check) == SparkCheck.UNCHECKED,
        col(Video.status) == VideoStatus.AUTHORIZED,
    )
    return (await session.execute(query)).scalars().all()


async def authorized_on_tiktok(session: AsyncSession) -> Sequence[Video]:
    """Authorized videos that TikTok has given an id, in every workspace."""
    query = select(Video).where(
        col(Video.status) == VideoStatus.AUTHORIZED, col(Video.tiktok_video_id).is_not(None)
    )
    return (await session.execute(query)).scalars().all()


async def tiktok_videos_of(session: AsyncSession, *, project_id: int) -> Sequence[Any]:
    """(id, TikTok's video id, delivered at) of the project's videos TikTok has given an id."""
    query = select(col(Video.id), col(Video.tiktok_video_id), col(Video.delivered_at)).where(
        col(Video.project_id) == project_id, col(Video.tiktok_video_id).is_not(None)
    )
    return (await session.execute(query)).all()


async def newest_with_key(
    session: AsyncSession, *, workspace_id: int, video_key: str
) -> tuple[Video, LiteProject] | None:
    """The workspace's latest delivery of a TikTok video, with its project."""
    query = (
        select(Video, LiteProject)
        .join(LiteProject, col(LiteProject.id) == col(Video.project_id))
        .where(col(Video.workspace_id) == workspace_id, col(Video.video_key) == video_key)
        .order_by(col(Video.delivered_at).desc())
        .limit(1)
    )
    row = (await session.execute(query)).first()
    return None if row is None else (row[0], row[1])


async def delete_video(session: AsyncSession, *, video_id: int) -> None:
    await session.execute(delete(Video).where(col(Video.id) == video_id))
