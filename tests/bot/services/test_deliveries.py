"""Deliveries through the invite link, on the services against a real database."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services import deliveries
from bot.services.deliveries import ProjectPaused, VideoOfAnotherCreator
from bot.services.errors import InvalidInput, NotFound
from bot.services.workspaces import Actor
from storage import videos as video_queries
from storage.db import create_engine
from storage.models import (
    AuditEvent,
    Job,
    LiteProject,
    OutboxMessage,
    ReviewState,
    Subscription,
    UserSettings,
    Video,
    VideoSource,
    VideoStatus,
    utcnow,
)
from storage.writer import Writer, writer_for
from tests.factories import count, new_project, rows
from tests.harness.fake_slack import TEAM_ID
from tests.harness.slack_requests import USER_ID

VIDEO_ID = "7301234567890123456"
URL = f"https://www.tiktok.com/@glow.maker/video/{VIDEO_ID}?is_from_webapp=1"
CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
ACTOR = Actor(team_id=TEAM_ID, user_id=USER_ID)


async def deliver(sessions: async_sessionmaker[AsyncSession], project: LiteProject, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "url": URL,
        "creator_handle": "@glow.maker",
        "creator_email": "maker@example.com",
        "spark_code": CODE,
    }
    values.update(fields)
    async with sessions.begin() as session:
        return await deliveries.deliver_video(session, invite_token=project.invite_token, **values)


# --- a delivery -------------------------------------------------------------------------------


async def test_a_delivery_stores_the_video_its_audit_event_its_alert_and_a_card_refresh(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    now = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)

    delivery = await deliver(sessions, project, now=now)

    assert delivery.created is True
    [video] = await rows(sessions, Video)
    assert video.id == delivery.video.id
    assert video.project_id == project.id
    assert video.workspace_id == project.workspace_id
    assert video.video_key == VIDEO_ID
    assert video.tiktok_video_id == VIDEO_ID
    assert video.url == f"https://www.tiktok.com/@glow.maker/video/{VIDEO_ID}"
    assert video.needs_resolution is False
    assert video.creator_handle == "glow.maker"
    assert video.creator_email == "maker@example.com"
    assert video.spark_code == CODE
    assert video.source == VideoSource.INVITE_LINK
    # a code given with the video authorizes it from delivery, tracked like a linking request's
    assert video.status == VideoStatus.AUTHORIZED
    assert video.authorized_at == now
    assert video.review_state == ReviewState.UNREVIEWED
    assert video.delivered_at == now

    [event] = await rows(sessions, AuditEvent)
    assert (event.actor, event.action, event.target_type, event.target_id) == (
        "creator:glow.maker",
        "video.delivered",
        "video",
        video.id,
    )
    outbox = {row.kind: row for row in await rows(sessions, OutboxMessage)}
    assert set(outbox) == {"video_delivered", "project_card"}
    alert = outbox["video_delivered"]
    assert alert.dedup_key == f"video-delivered:{video.id}"
    assert alert.payload["project_id"] == project.id
    assert alert.payload["video_id"] == video.id
    assert alert.channel_id == project.channel_id


async def test_a_short_link_is_stored_as_given_and_marked_to_resolve(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)

    delivery = await deliver(sessions, project, url="vm.tiktok.com/ZMabc123/?k=1", spark_code="")

    video = delivery.video
    assert video.needs_resolution is True
    assert video.url == video.video_key == "https://vm.tiktok.com/ZMabc123/"
    assert video.tiktok_video_id is None
    assert video.spark_code is None


async def test_an_embed_link_gets_the_canonical_address_with_the_creators_handle(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)

    delivery = await deliver(sessions, project, url=f"https://www.tiktok.com/embed/v2/{VIDEO_ID}")

    assert delivery.video.url == f"https://www.tiktok.com/@glow.maker/video/{VIDEO_ID}"


# --- through the writer, as the invite page delivers -----------------------------------------------


def deliver_without_a_code(
    writer: Writer,
    sessions: async_sessionmaker[AsyncSession],
    token: str,
    video_id: str,
    *,
    url: str | None = None,
    lookups: bool = False,
) -> Awaitable[deliveries.Delivery]:
    """`deliveries.deliver`, as the invite page calls it, of a video without a spark code."""
    return deliveries.deliver(
        writer,
        sessions,
        invite_token=token,
        url=url or f"https://www.tiktok.com/@glow.maker/video/{video_id}",
        creator_handle="@glow.maker",
        creator_email="maker@example.com",
        spark_code="",
        lookups=lookups,
    )


async def deliver_through_the_writer(
    sessions: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    project: LiteProject,
    videos: list[str],
    *,
    lookups: bool = False,
) -> list[deliveries.Delivery]:
    """Each video delivered in turn by a writer of its own on `engine`."""
    writer = writer_for(engine)
    try:
        return [
            await deliver_without_a_code(writer, sessions, project.invite_token, video_id, lookups=lookups)
            for video_id in videos
        ]
    finally:
        await writer.close()


async def test_deliveries_without_a_code_queue_alerts_and_dms_and_one_card_refresh(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    project = await new_project(sessions, created_by="U0OWNER")
    async with sessions.begin() as session:
        session.add_all(
            [
                Subscription(
                    workspace_id=project.workspace_id,
                    channel_id="C0ALL",
                    events=["delivered"],
                    created_by="U1",
                ),
                UserSettings(workspace_id=project.workspace_id, user_id="U0OWNER", action_dms=True),
            ]
        )
    engine = create_engine(database_url)
    try:
        made = await deliver_through_the_writer(sessions, engine, project, [VIDEO_ID, OTHER_VIDEO])
    finally:
        await engine.dispose()

    assert [delivery.created for delivery in made] == [True, True]
    videos = {video.id: video for video in await rows(sessions, Video)}
    assert set(videos) == {delivery.video.id for delivery in made}
    assert all(v.status == VideoStatus.DELIVERED and v.spark_code is None for v in videos.values())
    events = await rows(sessions, AuditEvent)
    assert sorted((e.action, e.target_id) for e in events) == sorted(("video.delivered", i) for i in videos)
    assert all(e.after == {**(e.after or {}), "project_id": project.id, "spark_code": False} for e in events)
    outbox = {row.dedup_key: row for row in await rows(sessions, OutboxMessage)}
    for video_id in videos:
        alert = outbox.pop(f"video-delivered:{video_id}")
        assert (alert.channel_id, alert.payload) == (
            project.channel_id,
            {"project_id": project.id, "video_id": video_id, "primary": True},
        )
        assert outbox.pop(f"video-delivered:{video_id}:C0ALL").payload["primary"] is False
        dm = outbox.pop(f"video-delivered:{video_id}:dm:U0OWNER")
        assert (dm.channel_id, dm.payload["dm"]) == ("U0OWNER", True)
    # the second delivery found the first one's card refresh still queued: one refresh shows both
    [card] = outbox.values()
    assert (card.kind, card.refresh_key) == ("project_card", f"project-card:{project.id}")
    assert card.dedup_key == f"project-card:{project.id}:video-{made[0].video.id}"


async def test_a_delivery_that_waits_for_tiktok_queues_its_lookup_and_no_notice(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    project = await new_project(sessions)
    engine = create_engine(database_url)
    try:
        [delivery] = await deliver_through_the_writer(sessions, engine, project, [VIDEO_ID], lookups=True)
    finally:
        await engine.dispose()

    assert delivery.created is True and delivery.jobs_queued is True
    [job] = await rows(sessions, Job)
    assert (job.kind, job.key, job.workspace_id) == (
        "oembed_lookup",
        f"oembed:{delivery.video.id}",
        project.workspace_id,
    )
    assert job.payload == {"video_id": delivery.video.id, "alert": True, "fresh": False}
    assert await count(sessions, AuditEvent) == 1
    assert await count(sessions, OutboxMessage) == 0


async def test_a_delivery_without_a_code_on_a_session_rolled_back_leaves_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)

    class Undo(Exception):
        pass

    # the session's transaction is begun by its first statement: the unit's must be in it
    with pytest.raises(Undo):
        async with sessions.begin() as session:
            await deliveries.deliver_video(
                session,
                invite_token=project.invite_token,
                url=URL,
                creator_handle="glow.maker",
                creator_email="maker@example.com",
                spark_code=None,
            )
            raise Undo

    assert await count(sessions, Video) == 0
    assert await count(sessions, AuditEvent) == 0 and await count(sessions, OutboxMessage) == 0


@pytest.mark.backends("postgres")
async def test_on_postgresql_a_delivery_without_a_code_is_two_statements_and_no_transaction_block(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    project = await new_project(sessions)
    engine = create_engine(database_url)
    sent = log_statements(engine)

    try:
        await deliver_through_the_writer(sessions, engine, project, [VIDEO_ID])  # connects, learns types
        await sent()
        [new] = await deliver_through_the_writer(sessions, engine, project, [OTHER_VIDEO])
        sent_for_the_new_one = await sent()
        [repeat] = await deliver_through_the_writer(sessions, engine, project, [OTHER_VIDEO])
        sent_for_the_repeat = await sent()
    finally:
        await engine.dispose()

    assert new.created is True and repeat.created is False and repeat.video.id == new.video.id
    # the project's read (with the new video's id), then every row in one statement
    assert len(sent_for_the_new_one) == 2, sent_for_the_new_one
    assert "nextval" in sent_for_the_new_one[0] and "new_video" in sent_for_the_new_one[1]
    # a repeat that changes nothing: the same two, and the stored video read
    assert len(sent_for_the_repeat) == 3, sent_for_the_repeat
    for statement in [*sent_for_the_new_one, *sent_for_the_repeat]:
        assert not statement.strip().upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT")), statement
    assert await count(sessions, Video) == 2 and await count(sessions, AuditEvent) == 2


def log_statements(engine: AsyncEngine) -> Callable[[], Awaitable[list[str]]]:
    """The statements sent on `engine`'s connections since the last call (asyncpg's query log)."""
    statements: list[str] = []

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(lambda query: statements.append(query.query))

    async def sent() -> list[str]:
        # asyncpg hands each query to its loggers in a callback of the loop's next turn
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        found = list(statements)
        statements.clear()
        return found

    return sent


@pytest.mark.backends("postgres")
async def test_on_postgresql_deliveries_handed_over_together_are_written_in_one_batch(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    project = await new_project(sessions, created_by="U0OWNER")
    paused = await new_project(sessions, active=False)
    async with sessions.begin() as session:
        session.add(UserSettings(workspace_id=project.workspace_id, user_id="U0OWNER", action_dms=True))
    engine = create_engine(database_url)
    sent = log_statements(engine)
    writer = writer_for(engine)

    def deliver_one(token: str, video_id: str, url: str | None = None) -> Awaitable[deliveries.Delivery]:
        return deliver_without_a_code(writer, sessions, token, video_id, url=url)

    try:
        warm_up = ["7301234567890000000", "7301234567890000097"]  # connects, learns types
        await asyncio.gather(*(deliver_one(project.invite_token, video_id) for video_id in warm_up))
        await sent()
        videos = [f"73012345678900000{n:02d}" for n in range(1, 9)]
        answers = await asyncio.gather(
            *(deliver_one(project.invite_token, video_id) for video_id in videos),
            deliver_one(project.invite_token, videos[0]),  # the same video twice in one batch
            deliver_one(paused.invite_token, "7301234567890000099"),
            deliver_one(project.invite_token, "", url="https://www.youtube.com/watch?v=x"),
            deliver_one("a" * 43, "7301234567890000098"),  # a token of the right shape, unknown
            return_exceptions=True,
        )
        statements = await sent()
    finally:
        await writer.close()
        await engine.dispose()

    created, twice, on_paused, bad_url, unknown = answers[:8], answers[8], *answers[9:]
    assert all(isinstance(d, deliveries.Delivery) and d.created is True for d in created)
    assert isinstance(twice, deliveries.Delivery) and isinstance(created[0], deliveries.Delivery)
    assert twice.created is False and twice.video.id == created[0].video.id
    assert isinstance(on_paused, ProjectPaused) and isinstance(unknown, NotFound)
    assert isinstance(bad_url, InvalidInput) and "url" in bad_url.errors
    # the projects and the ids, every write, which videos were new, and the repeat's stored video
    assert len(statements) == 4, statements
    assert "ANY" in statements[0] and "new_video" in statements[1] and "ANY" in statements[2]
    assert not any(s.strip().upper().startswith(("BEGIN", "COMMIT")) for s in statements)
    stored = await rows(sessions, Video)
    assert sorted(video.video_key for video in stored) == sorted([*warm_up, *videos])
    assert {video.project_id for video in stored} == {project.id}
    assert await count(sessions, AuditEvent) == 10
    outbox = await rows(sessions, OutboxMessage)
    for video in stored:
        keys = {row.dedup_key for row in outbox if row.payload.get("video_id") == video.id}
        assert keys == {f"video-delivered:{video.id}", f"video-delivered:{video.id}:dm:U0OWNER"}
    # each delivery of the batch found the card refresh queued before it: one refresh for all
    assert [row.kind for row in outbox].count("project_card") == 1


@pytest.mark.backends("postgres")
async def test_a_batch_whose_writes_fail_is_stored_one_delivery_at_a_time(
    sessions: async_sessionmaker[AsyncSession], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = await new_project(sessions)
    batches: list[int] = []

    def lost(connection: Any, params: Any) -> None:
        # as when a project is deleted between the batch's read and its writes
        batches.append(len(params))
        raise DBAPIError("INSERT", None, Exception("the connection was lost"))

    monkeypatch.setattr(video_queries, "insert_deliveries", lost)
    engine = create_engine(database_url)
    writer = writer_for(engine)
    try:
        made = await asyncio.gather(
            *(
                deliver_without_a_code(writer, sessions, project.invite_token, video_id)
                for video_id in (VIDEO_ID, OTHER_VIDEO)
            )
        )
    finally:
        await writer.close()
        await engine.dispose()

    assert batches == [2]  # handed over together, their writes failed together
    assert [delivery.created for delivery in made] == [True, True]
    assert await count(sessions, Video) == 2 and await count(sessions, AuditEvent) == 2
    assert [row.kind for row in await rows(sessions, OutboxMessage)].count("video_delivered") == 2


# --- the same video again -----------------------------------------------------------------------


async def test_the_same_video_from_the_same_creator_is_already_received(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    first = await deliver(sessions, project)

    # a different form of the same link, and the handle typed differently
    again = await deliver(
        sessions, project, url=f"https://m.tiktok.com/v/{VIDEO_ID}.html", creator_handle="Glow.Maker"
    )

    assert again.created is False
    assert again.spark_code_added is False
    assert again.video.id == first.video.id
    assert await count(sessions, Video) == 1
    assert await count(sessions, AuditEvent) == 1
    assert [row.kind for row in await rows(sessions, OutboxMessage)].count("video_delivered") == 1


async def test_the_invite_pages_write_unit_answers_a_repeat_that_changes_nothing_itself(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    project = await new_project(sessions)
    first = await deliver(sessions, project, spark_code=None)
    engine = create_engine(database_url)
    writer = writer_for(engine)  # as the invite page runs it: group-committed on an SQLite file
    values = {"invite_token": project.invite_token, "url": URL, "creator_email": "maker@example.com"}

    def unit(**fields: Any) -> Any:
        return writer.run(partial(deliveries.store_new_video, now=utcnow(), **{**values, **fields}))

    try:
        same = await unit(creator_handle="Glow.Maker", spark_code=None)
        with_a_code = await unit(creator_handle="@glow.maker", spark_code=CODE)
        someone_else = await unit(
            url=f"https://www.tiktok.com/embed/v2/{VIDEO_ID}", creator_handle="someone.else", spark_code=None
        )
    finally:
        await writer.close()
        await engine.dispose()

    # the stored video, from the unit; what a repeat changes goes to `deliver_video`'s session
    assert same is not None and same.created is False and same.video.id == first.video.id
    assert (same.video.creator_handle, same.video.status) == ("glow.maker", VideoStatus.DELIVERED)
    assert with_a_code is None and someone_else is None
    assert await count(sessions, Video) == 1 and await count(sessions, AuditEvent) == 1


async def test_a_repeat_delivery_adds_a_spark_code_the_first_lacked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    await deliver(sessions, project, spark_code=None)

    [first] = await rows(sessions, Video)
    assert (first.status, first.authorized_at) == (VideoStatus.DELIVERED, None)
    later = dt.datetime(2026, 5, 6, 8, 0, tzinfo=dt.UTC)

    again = await deliver(sessions, project, spark_code=f"  {CODE} ", now=later)

    assert again.created is False
    assert again.spark_code_added is True
    [video] = await rows(sessions, Video)
    assert video.spark_code == CODE
    assert (video.status, video.authorized_at) == (VideoStatus.AUTHORIZED, later)
    assert [event.action for event in await rows(sessions, AuditEvent)] == [
        "video.delivered",
        "video.spark_code_added",
    ]
    # the first delivery's alert and card refresh (not sent yet: nothing to edit), and the thread's
    # note that the code arrived
    kinds = sorted(row.kind for row in await rows(sessions, OutboxMessage))
    assert kinds == ["project_card", "video_authorized", "video_delivered"]


async def test_a_repeat_delivery_never_replaces_a_stored_spark_code(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    await deliver(sessions, project)

    again = await deliver(sessions, project, spark_code=OTHER_CODE)

    assert again.spark_code_added is False
    [video] = await rows(sessions, Video)
    assert video.spark_code == CODE


async def test_another_creator_cant_deliver_a_video_already_delivered(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    await deliver(sessions, project, url=f"https://www.tiktok.com/embed/v2/{VIDEO_ID}")

    with pytest.raises(VideoOfAnotherCreator):
        await deliver(
            sessions,
            project,
            url=f"https://www.tiktok.com/embed/v2/{VIDEO_ID}",
            creator_handle="someone.else",
        )

    [video] = await rows(sessions, Video)
    assert video.creator_handle == "glow.maker"
    assert await count(sessions, AuditEvent) == 1


async def test_a_creator_cant_deliver_a_video_from_someone_elses_account(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)

    with pytest.raises(InvalidInput) as caught:
        await deliver(sessions, project, creator_handle="someone.else")

    assert "@glow.maker's account" in caught.value.errors["url"]
    assert await count(sessions, Video) == 0


async def test_the_same_video_in_two_projects_is_two_videos(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first = await new_project(sessions)
    second = await new_project(sessions)

    await deliver(sessions, first)
    delivery = await deliver(sessions, second)

    assert delivery.created is True
    assert await count(sessions, Video) == 2  # one TikTok video, one code, in both projects


async def test_a_code_already_given_with_another_video_is_refused_in_any_project(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first = await new_project(sessions)
    second = await new_project(sessions)
    await deliver(sessions, first)

    for project in (first, second):
        with pytest.raises(InvalidInput) as caught:
            await deliver(sessions, project, url=f"https://www.tiktok.com/@glow.maker/video/{OTHER_VIDEO}")
        assert "already given with another video" in caught.value.errors["spark_code"]
    assert await count(sessions, Video) == 1


@pytest.mark.backends("postgres")
async def test_one_code_stored_at_once_by_two_replicas_is_stored_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first = await new_project(sessions)
    second = await new_project(sessions)
    other = f"https://www.tiktok.com/@glow.maker/video/{OTHER_VIDEO}"

    async def deliver_second() -> Any:
        return await deliver(sessions, second, url=other)

    async with sessions() as session:
        async with session.begin():
            await deliveries.deliver_video(
                session,
                invite_token=first.invite_token,
                url=URL,
                creator_handle="glow.maker",
                creator_email="maker@example.com",
                spark_code=CODE,
            )
            # the other delivery of the same code, by another replica, before this one commits
            racing = asyncio.create_task(deliver_second())
            await wait_for_a_waiting_advisory_lock(sessions)
    with pytest.raises(InvalidInput) as caught:
        await racing

    assert "already given with another video" in caught.value.errors["spark_code"]
    assert await count(sessions, Video) == 1


async def wait_for_a_waiting_advisory_lock(sessions: async_sessionmaker[AsyncSession]) -> None:
    for _ in range(200):
        async with sessions() as session:
            waiting = await session.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            )
            if waiting.scalar_one():
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the second delivery never waited for the first one's code")


async def test_a_late_code_already_given_with_another_video_is_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    await deliver(sessions, project)
    other = f"https://www.tiktok.com/@glow.maker/video/{OTHER_VIDEO}"
    await deliver(sessions, project, url=other, spark_code=None)

    with pytest.raises(InvalidInput) as caught:
        await deliver(sessions, project, url=other)

    assert "already given with another video" in caught.value.errors["spark_code"]
    videos = {video.video_key: video for video in await rows(sessions, Video)}
    assert videos[OTHER_VIDEO].spark_code is None
    assert videos[OTHER_VIDEO].status == VideoStatus.DELIVERED


# --- refusals -----------------------------------------------------------------------------------


async def test_a_paused_project_refuses_and_stores_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions, active=False)

    with pytest.raises(ProjectPaused, match="paused"):
        await deliver(sessions, project)

    assert await count(sessions, Video) == 0
    assert await count(sessions, AuditEvent) == 0
    assert await count(sessions, OutboxMessage) == 0


@pytest.mark.parametrize("token", ["", "short", "x" * 32, "../../etc/passwd", "a" * 65])
async def test_an_unknown_or_malformed_token_is_not_found(
    sessions: async_sessionmaker[AsyncSession], token: str
) -> None:
    await new_project(sessions)

    with pytest.raises(NotFound):
        async with sessions.begin() as session:
            await deliveries.deliver_video(
                session,
                invite_token=token,
                url=URL,
                creator_handle="glow.maker",
                creator_email="maker@example.com",
                spark_code=None,
            )
    with pytest.raises(NotFound):
        async with sessions() as session:
            await deliveries.get_brief(session, invite_token=token)


async def test_every_bad_field_is_reported_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    project = await new_project(sessions)

    with pytest.raises(InvalidInput) as caught:
        await deliver(
            sessions,
            project,
            url="https://www.tiktok.com/@glow.maker/photo/7301234567890123456",
            creator_handle="not a handle",
            creator_email="nope",
            spark_code="#bad code!",
        )

    errors = caught.value.errors
    assert set(errors) == {"url", "creator_handle", "creator_email", "spark_code"}
    assert "photo post" in errors["url"]
    assert await count(sessions, Video) == 0


async def test_overlong_fields_are_refused_before_anything_else(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)

    with pytest.raises(InvalidInput) as caught:
        await deliver(sessions, project, creator_email="a" * 300 + "@example.com", url="x" * 501)

    assert "limit is 254" in caught.value.errors["creator_email"]
    assert "limit is 500" in caught.value.errors["url"]


async def test_the_brief_has_the_project_its_brand_and_anchor(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)

    async with sessions() as session:
        brief = await deliveries.get_brief(session, invite_token=project.invite_token)

    assert brief.project.id == project.id
    assert brief.brand.id == project.brand_id
    assert brief.anchor.id == project.anchor_id


OTHER_VIDEO = "7301234567890123999"
OTHER_CODE = "#Zx9Qm2LpT7rVbN4kWc8YhJd3FsA6uGe1Oi5Rn0Ht+Kq="
