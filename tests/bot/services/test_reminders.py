"""The daily job with an injected clock: authorizations ending and ended, deadlines, expiries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notify.scheduler import SCHEDULER_KEY
from bot.services import deliveries, reminders
from storage.models import (
    LinkingRequest,
    LinkingRequestStatus,
    LiteProject,
    OutboxMessage,
    Video,
    VideoSource,
    VideoStatus,
)
from tests.factories import make_project, make_video, rows
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID


async def authorized_video(
    sessions: async_sessionmaker[AsyncSession], *, days_ago: float, project: LiteProject | None = None
) -> Video:
    async with sessions.begin() as session:
        project = project or await make_project(session, authorization_days=30)
        video = await make_video(session, project=project, spark_code=CODE)
        video.status = VideoStatus.AUTHORIZED
        video.authorized_at = NOW - dt.timedelta(days=days_ago)
        return video


async def run(
    sessions: async_sessionmaker[AsyncSession], now: dt.datetime | None = None
) -> reminders.ReminderRun:
    async with sessions.begin() as session:
        return await reminders.run_daily(session, now=now or NOW)


async def stored(sessions: async_sessionmaker[AsyncSession], model: Any, row_id: Any) -> Any:
    async with sessions() as session:
        return await session.get(model, row_id)


async def test_an_authorization_ending_within_a_week_is_announced_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    video = await authorized_video(sessions, days_ago=25)  # ends in 5 days
    await authorized_video(sessions, days_ago=10)  # ends in 20 days: not yet

    first = await run(sessions)
    again = await run(sessions, NOW + dt.timedelta(hours=1))
    next_day = await run(sessions, NOW + dt.timedelta(days=1))

    assert first.ending == {video.project_id: [video.id]}
    assert not again.queued and not next_day.queued
    (row,) = await rows(sessions, OutboxMessage)
    assert row.kind == "reminder" and row.channel_id == CHANNEL_ID
    assert row.payload["reminder"] == "ending" and row.payload["video_ids"] == [video.id]
    assert (await stored(sessions, Video, video.id)).status == VideoStatus.AUTHORIZED


async def test_an_ended_authorization_is_expired_and_announced_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    video = await authorized_video(sessions, days_ago=31)

    first = await run(sessions)
    second = await run(sessions, NOW + dt.timedelta(days=1))

    assert first.ended == {video.project_id: [video.id]} and not first.ending
    assert not second.queued
    assert (await stored(sessions, Video, video.id)).status == VideoStatus.EXPIRED
    reminders_sent = [row for row in await rows(sessions, OutboxMessage) if row.kind == "reminder"]
    assert [row.payload["reminder"] for row in reminders_sent] == ["ended"]


async def test_a_video_is_announced_ending_then_ended(sessions: async_sessionmaker[AsyncSession]) -> None:
    video = await authorized_video(sessions, days_ago=25)

    await run(sessions)
    await run(sessions, NOW + dt.timedelta(days=6))

    kinds = [row.payload["reminder"] for row in await rows(sessions, OutboxMessage) if row.kind == "reminder"]
    assert kinds == ["ending", "ended"]
    assert (await stored(sessions, Video, video.id)).status == VideoStatus.EXPIRED


async def test_deadline_reminders_go_out_three_days_and_one_day_before(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        project = await make_project(session, deadline=NOW.date() + dt.timedelta(days=3))
        await make_project(session, deadline=NOW.date() + dt.timedelta(days=3), active=False)

    for day in range(4):  # three days before, two, one, and the day itself
        await run(sessions, NOW + dt.timedelta(days=day))
        await run(sessions, NOW + dt.timedelta(days=day, hours=2))

    reminders_sent = [row for row in await rows(sessions, OutboxMessage) if row.kind == "reminder"]
    assert [(row.payload["project_id"], row.payload["days_left"]) for row in reminders_sent] == [
        (project.id, 3),
        (project.id, 1),
    ]


async def test_a_deadline_reminder_missed_by_a_late_job_still_goes_out_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await make_project(session, deadline=NOW.date() + dt.timedelta(days=2))

    await run(sessions)
    await run(sessions)

    reminders_sent = [row for row in await rows(sessions, OutboxMessage) if row.kind == "reminder"]
    assert [row.payload["days_left"] for row in reminders_sent] == [2]


async def test_unanswered_requests_expire_with_their_videos(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        project = await make_project(session)
        request = LinkingRequest(
            workspace_id=project.workspace_id,
            project_id=project.id,  # type: ignore[arg-type]
            token="t" * 32,
            creator_handle="glow.maker",
            created_by="U1",
            expires_at=NOW - dt.timedelta(minutes=1),
        )
        session.add(request)
        await session.flush()
        video = await make_video(session, project=project)
        video.source = VideoSource.LINKING_REQUEST
        video.status = VideoStatus.PENDING_AUTHORIZATION
        video.linking_request_id = request.id

    result = await run(sessions)

    assert result.expired_requests == [request.id]
    assert (await stored(sessions, LinkingRequest, request.id)).status == LinkingRequestStatus.EXPIRED
    assert (await stored(sessions, Video, video.id)).status == VideoStatus.EXPIRED


async def test_the_scheduler_posts_an_ending_reminder_once_in_the_channel(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow", authorization_days=30)
        video = await make_video(session, project=project, creator_handle="glow.maker", spark_code=CODE)
        video.status = VideoStatus.AUTHORIZED
        video.authorized_at = NOW - dt.timedelta(days=25)
    scheduler = server.runner.app[SCHEDULER_KEY]
    scheduler.clock = lambda: NOW

    await scheduler.run_once()
    await server.settle()
    await scheduler.run_once()
    await scheduler.run_once(NOW + dt.timedelta(days=2))
    await server.settle()

    posts = [c for c in server.fake.of("chat.postMessage") if "within 7 days" in c.args["text"]]
    assert len(posts) == 1
    (post,) = posts
    assert post.args["channel"] == CHANNEL_ID
    assert post.args["text"] == "1 ad authorization of Summer glow ends within 7 days."
    rendered = json.dumps(post.args["blocks"])
    ends = int((NOW + dt.timedelta(days=5)).timestamp())
    assert f"<!date^{ends}^" in rendered and "@glow.maker" in rendered


async def test_a_code_delivered_through_the_invite_link_is_reminded_like_a_linking_requests(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        project = await make_project(session, authorization_days=30)
    async with sessions.begin() as session:
        delivery = await deliveries.deliver_video(
            session,
            invite_token=project.invite_token,
            url="https://www.tiktok.com/@glow.maker/video/7301234567890123456",
            creator_handle="glow.maker",
            creator_email="maker@example.com",
            spark_code=CODE,
            now=NOW - dt.timedelta(days=25),
        )

    ending = await run(sessions)
    ended = await run(sessions, NOW + dt.timedelta(days=6))

    assert ending.ending == {project.id: [delivery.video.id]}
    assert ended.ended == {project.id: [delivery.video.id]}
    assert (await stored(sessions, Video, delivery.video.id)).status == VideoStatus.EXPIRED


NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)
CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
