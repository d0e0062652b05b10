"""Deliveries through the invite link, on the services against a real database."""

from __future__ import annotations

import asyncio
import datetime as dt
from functools import partial
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import deliveries
from bot.services.deliveries import ProjectPaused, VideoOfAnotherCreator
from bot.services.errors import InvalidInput, NotFound
from bot.services.workspaces import Actor
from storage.db import create_engine
from storage.models import (
    AuditEvent,
    LiteProject,
    OutboxMessage,
    ReviewState,
    Video,
    VideoSource,
    VideoStatus,
    utcnow,
)
from storage.writer import writer_for
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
