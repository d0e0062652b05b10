"""Reviews on the services against a real database: approve or reject, once, audited, with the card
refreshed; another workspace's videos are not found."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import reviews, videos
from bot.services.errors import InvalidInput, NotFound
from bot.services.workspaces import Actor
from storage.models import AuditEvent, OutboxMessage, ReviewState, Video
from tests.factories import count, make_project, make_video, make_workspace, rows
from tests.harness.fake_slack import TEAM_ID
from tests.harness.slack_requests import USER_ID

ACTOR = Actor(team_id=TEAM_ID, user_id=USER_ID)


async def test_approving_stores_the_state_audits_it_and_refreshes_the_card(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        project = await make_project(session)
        video = await make_video(session, project=project)

    async with sessions.begin() as session:
        change = await reviews.set_review(session, actor=ACTOR, video_id=video.id, state=ReviewState.APPROVED)  # type: ignore[arg-type]

    assert change.changed is True
    [stored] = await rows(sessions, Video)
    assert stored.review_state == ReviewState.APPROVED
    [event] = await rows(sessions, AuditEvent)
    assert (event.actor, event.action, event.before, event.after) == (
        USER_ID,
        "video.approved",
        {"review_state": "unreviewed"},
        {"review_state": "approved"},
    )
    [card] = await rows(sessions, OutboxMessage)
    assert card.kind == "project_card"


async def test_reviewing_twice_the_same_way_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        project = await make_project(session)
        video = await make_video(session, project=project, review_state=ReviewState.REJECTED)

    async with sessions.begin() as session:
        change = await reviews.set_review(session, actor=ACTOR, video_id=video.id, state="rejected")  # type: ignore[arg-type]

    assert change.changed is False
    assert await count(sessions, AuditEvent) == 0
    assert await count(sessions, OutboxMessage) == 0


@pytest.mark.parametrize("state", ["unreviewed", "maybe"])
async def test_a_review_is_approve_or_reject(sessions: async_sessionmaker[AsyncSession], state: str) -> None:
    async with sessions.begin() as session:
        project = await make_project(session)
        video = await make_video(session, project=project)

    with pytest.raises(InvalidInput):
        async with sessions.begin() as session:
            await reviews.set_review(session, actor=ACTOR, video_id=video.id, state=state)  # type: ignore[arg-type]


async def test_a_video_of_another_workspace_is_not_found(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        project = await make_project(session, workspace=other)
        video = await make_video(session, project=project)

    with pytest.raises(NotFound):
        async with sessions.begin() as session:
            await reviews.set_review(session, actor=ACTOR, video_id=video.id, state="approved")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        async with sessions() as session:
            await reviews.get_video(session, actor=ACTOR, video_id=video.id)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        async with sessions() as session:
            await videos.list_videos(session, actor=ACTOR, project_id=project.id)  # type: ignore[arg-type]
    [stored] = await rows(sessions, Video)
    assert stored.review_state == ReviewState.UNREVIEWED


async def test_the_videos_list_is_newest_first_and_knows_the_total(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    start = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    async with sessions.begin() as session:
        project = await make_project(session)
        for day in range(5):
            await make_video(session, project=project, delivered_at=start + dt.timedelta(days=day))

    async with sessions() as session:
        listing = await videos.list_videos(session, actor=ACTOR, project_id=project.id, limit=3)  # type: ignore[arg-type]

    assert listing.total == 5
    assert [video.delivered_at.day for video in listing.videos] == [5, 4, 3]
