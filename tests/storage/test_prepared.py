"""Prepared statements: compiled once, run on the driver's cursor, values as the ORM has them."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import col

from storage import audit as audit_queries
from storage import preferences as preference_queries
from storage import projects as project_queries
from storage import videos as video_queries
from storage.db import create_sessionmaker
from storage.models import (
    AuditEvent,
    LiteProject,
    OutboxMessage,
    OutboxStatus,
    ProjectManager,
    Subscription,
    UserSettings,
    Video,
    VideoSource,
    VideoStatus,
    Workspace,
    unit_row,
)
from storage.preferences import Recipients
from storage.prepared import Prepared
from storage.writer import Writer
from tests.factories import make_project, make_video, rows

VIDEO_BY_ID = Prepared(select(*Video.__table__.columns).where(col(Video.id) == bindparam("id")))  # type: ignore[attr-defined]
PENDING_COUNT = Prepared(
    select(col(OutboxMessage.id)).where(col(OutboxMessage.status) == OutboxStatus.PENDING)
)


@pytest.fixture
def on_engine(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


def new_video(project: LiteProject, key: str, *, spark_code: str | None = None) -> Video:
    now = dt.datetime(2026, 11, 26, 4, 30, 15, 123456, tzinfo=dt.UTC)
    return unit_row(
        Video,
        dict(
            workspace_id=project.workspace_id,
            project_id=project.id,
            video_key=key,
            tiktok_video_id=key,
            url=f"https://www.tiktok.com/@glow.maker/video/{key}",
            needs_resolution=False,
            creator_handle="glow.maker",
            creator_email=None,
            spark_code=spark_code,
            source=VideoSource.INVITE_LINK,
            status=VideoStatus.AUTHORIZED,
            authorized_at=now,
            delivered_at=now,
        ),
    )


async def test_a_row_written_prepared_reads_back_through_the_orm_unchanged(
    writer: Writer, on_engine: async_sessionmaker[AsyncSession]
) -> None:
    async with on_engine.begin() as session:
        project = await make_project(session)
    video = new_video(project, "7300000000000000001", spark_code="#abc123")

    stored = await writer.run(partial(video_queries.insert_new_video, video=video))

    [back] = await rows(on_engine, Video, col(Video.id) == stored)
    assert back.status is VideoStatus.AUTHORIZED and back.source is VideoSource.INVITE_LINK
    assert back.delivered_at == video.delivered_at and back.authorized_at == video.authorized_at
    assert back.needs_resolution is False and back.spark_code == "#abc123" and back.creator_email is None
    # and a second time it is a repeat: nothing stored, no id
    assert await writer.run(partial(video_queries.insert_new_video, video=video)) is None


async def test_a_row_the_orm_wrote_reads_back_prepared_as_the_orm_reads_it(
    writer: Writer, on_engine: async_sessionmaker[AsyncSession]
) -> None:
    async with on_engine.begin() as session:
        project = await make_project(session)
        made = await make_video(session, project=project, spark_code="#xyz")
        expected = {name: getattr(made, name) for name in Video.model_fields}

    row = await writer.run(lambda connection: VIDEO_BY_ID.first(connection, {"id": made.id}))

    assert row._asdict() == expected
    assert isinstance(row.status, VideoStatus) and row.delivered_at.tzinfo is not None


async def test_a_literal_the_statement_carries_is_sent_with_it(
    writer: Writer, on_engine: async_sessionmaker[AsyncSession]
) -> None:
    assert await writer.run(lambda connection: PENDING_COUNT.rows(connection)) == []
    assert await writer.run(lambda connection: PENDING_COUNT.first(connection)) is None


async def test_the_drivers_errors_come_back_as_sqlalchemys(
    writer: Writer, on_engine: async_sessionmaker[AsyncSession]
) -> None:
    async with on_engine.begin() as session:
        project = await make_project(session)
    duplicate = Prepared(
        Video.__table__.insert().returning(Video.__table__.c.id),  # type: ignore[attr-defined]
        keys=video_queries._VIDEO_COLUMNS,
    )
    video = new_video(project, "7300000000000000002")
    values = {name: getattr(video, name) for name in video_queries._VIDEO_COLUMNS}

    def twice(connection: Connection) -> None:
        duplicate.scalar(connection, values)
        duplicate.scalar(connection, values)  # the project already has this video: unique index

    with pytest.raises(IntegrityError):
        await writer.run(twice)
    assert await rows(on_engine, Video) == []  # the unit's first insert was undone with it


def test_a_parameter_left_out_is_refused_before_anything_runs() -> None:
    class Refusing:
        dialect = sqlite.dialect()

    with pytest.raises(KeyError, match="'id'"):
        VIDEO_BY_ID.first(Refusing(), {})  # type: ignore[arg-type]


def test_what_cannot_be_compiled_once_is_refused() -> None:
    expanding = Prepared(select(col(Video.id)).where(col(Video.id).in_(bindparam("ids", expanding=True))))
    with pytest.raises(ValueError, match="expands"):
        expanding.sql(sqlite.dialect())
    with pytest.raises(ValueError, match="give every column"):
        Prepared(OutboxMessage.__table__.insert(), keys=["dedup_key"]).sql(postgresql.dialect())  # type: ignore[attr-defined]


def test_each_database_gets_its_own_sql() -> None:
    assert "?" in VIDEO_BY_ID.sql(sqlite.dialect())
    assert "$1" in VIDEO_BY_ID.sql(postgresql.asyncpg.dialect())


async def test_none_is_stored_as_sqlalchemys_own_insert_stores_it(
    writer: Writer, on_engine: async_sessionmaker[AsyncSession]
) -> None:
    async with on_engine.begin() as session:
        project = await make_project(session)
    event = dict(workspace_id=project.workspace_id, actor="creator:glow.maker", action="video.delivered")
    event |= dict(target_type="video", target_id=1, before=None, after={"spark_code": False})

    def both(connection: Connection) -> list[bool]:
        prepared = audit_queries.insert_audit_event(connection, unit_row(AuditEvent, event))
        core = connection.execute(
            AuditEvent.__table__.insert().returning(AuditEvent.__table__.c.id),  # type: ignore[attr-defined]
            {**event, "created_at": unit_row(AuditEvent, event).created_at},
        ).scalar_one()
        is_null = select(col(AuditEvent.before).is_(None)).where(col(AuditEvent.id) == bindparam("id"))
        return [bool(connection.execute(is_null, {"id": id_}).scalar_one()) for id_ in (prepared, core)]

    stored = await writer.run(both)
    assert stored[0] == stored[1]  # a JSON column's None: JSON `null` both ways, not SQL NULL one way


async def test_the_rows_a_statement_changed_are_counted(
    writer: Writer, on_engine: async_sessionmaker[AsyncSession]
) -> None:
    async with on_engine.begin() as session:
        project = await make_project(session)
    for key in ("7300000000000000003", "7300000000000000004"):
        await writer.run(partial(video_queries.insert_new_video, video=new_video(project, key)))
    rename = Prepared(
        Video.__table__.update()  # type: ignore[attr-defined]
        .where(Video.__table__.c.project_id == bindparam("project"))  # type: ignore[attr-defined]
        .where(Video.__table__.c.creator_handle != bindparam("handle"))  # type: ignore[attr-defined]
        .values(creator_handle=bindparam("handle"))
    )

    def twice(connection: Connection) -> list[int]:
        given = {"project": project.id, "handle": "glow.maker.2"}
        return [rename.rowcount(connection, given), rename.rowcount(connection, given)]

    assert await writer.run(twice) == [2, 0]
    assert {video.creator_handle for video in await rows(on_engine, Video)} == {"glow.maker.2"}


async def test_a_project_comes_with_its_delivery_recipients_as_read_on_their_own(
    writer: Writer, on_engine: async_sessionmaker[AsyncSession]
) -> None:
    async with on_engine.begin() as session:
        project = await make_project(session, created_by="U0OWNER")
        other = await make_project(session, workspace=await session.get(Workspace, project.workspace_id))
        assert project.id is not None and other.id is not None
        session.add_all(
            [
                # to every project of the workspace, to this one (for one creator), to another one
                Subscription(
                    workspace_id=project.workspace_id,
                    channel_id="C0ALL",
                    events=["delivered"],
                    created_by="U1",
                ),
                Subscription(
                    workspace_id=project.workspace_id,
                    channel_id="C0THIS",
                    project_id=project.id,
                    events=["delivered", "paused"],
                    creator_handle="glow.maker",
                    created_by="U1",
                ),
                Subscription(
                    workspace_id=project.workspace_id,
                    channel_id="C0OTHER",
                    project_id=other.id,
                    created_by="U1",
                ),
                ProjectManager(project_id=project.id, user_id="U0MANAGER"),
                ProjectManager(project_id=other.id, user_id="U0ELSEWHERE"),
                UserSettings(workspace_id=project.workspace_id, user_id="U0MANAGER", action_dms=True),
                UserSettings(workspace_id=project.workspace_id, user_id="U0OWNER", action_dms=True),
                UserSettings(workspace_id=project.workspace_id, user_id="U0ELSEWHERE", action_dms=True),
            ]
        )
    project_id = project.id
    assert project_id is not None

    def both(connection: Connection) -> tuple[Any, Recipients]:
        found = project_queries.project_and_recipients_by_token(connection, invite_token=project.invite_token)
        alone = preference_queries.delivery_recipients(
            connection, workspace_id=project.workspace_id, project_id=project_id, owner=project.created_by
        )
        return found, alone

    found, alone = await writer.run(both)

    assert found is not None
    read, recipients = found
    assert (read.id, read.invite_token, read.link_name) == (
        project.id,
        project.invite_token,
        project.link_name,
    )
    assert recipients == alone
    assert sorted(
        (row.channel_id, row.project_id, row.events, row.creator_handle) for row in recipients.subscriptions
    ) == [
        ("C0ALL", None, ["delivered"], None),
        ("C0THIS", project.id, ["delivered", "paused"], "glow.maker"),
    ]
    assert recipients.dm_users == ["U0OWNER", "U0MANAGER"]


async def test_a_project_nobody_listens_to_has_no_recipients_and_a_wrong_token_no_project(
    writer: Writer, on_engine: async_sessionmaker[AsyncSession]
) -> None:
    async with on_engine.begin() as session:
        project = await make_project(session)

    found = await writer.run(
        partial(project_queries.project_and_recipients_by_token, invite_token=project.invite_token)
    )
    missing = await writer.run(
        partial(project_queries.project_and_recipients_by_token, invite_token="x" * 32)
    )

    assert found is not None and found[1] == Recipients(subscriptions=[], dm_users=[])
    assert missing is None


def _delivered_event(project: LiteProject) -> AuditEvent:
    return unit_row(
        AuditEvent,
        dict(
            workspace_id=project.workspace_id,
            actor="creator:glow.maker",
            action="video.delivered",
            target_type="video",
            target_id=0,
            after={"project_id": project.id, "spark_code": False},
        ),
    )


async def test_a_new_video_is_stored_with_its_event_and_a_repeat_stores_neither(
    writer: Writer, on_engine: async_sessionmaker[AsyncSession]
) -> None:
    async with on_engine.begin() as session:
        project = await make_project(session)
    video, event = new_video(project, "7300000000000000007"), _delivered_event(project)

    stored = await writer.run(partial(video_queries.insert_new_video_with_event, video=video, event=event))
    again = await writer.run(
        partial(video_queries.insert_new_video_with_event, video=video, event=_delivered_event(project))
    )

    assert stored is not None
    assert again is None
    [back] = await rows(on_engine, Video, col(Video.project_id) == project.id)
    assert back.id == stored and back.status is VideoStatus.AUTHORIZED
    [logged] = await rows(on_engine, AuditEvent, col(AuditEvent.action) == "video.delivered")
    assert (logged.target_type, logged.target_id, logged.actor) == ("video", stored, "creator:glow.maker")
    assert logged.after == {"project_id": project.id, "spark_code": False} and logged.before is None
