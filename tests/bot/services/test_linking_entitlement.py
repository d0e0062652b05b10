"""The linking-request entitlement is enforced by the service, at every step, and nowhere else."""

from __future__ import annotations

import pytest

from bot.services import linking
from bot.services.linking import NotEntitled
from bot.services.workspaces import Actor
from storage.models import LinkingRequest, LiteProject
from tests.factories import make_project
from tests.harness.fake_slack import TEAM_ID
from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID

ACTOR = Actor(team_id=TEAM_ID, user_id=USER_ID)
LINK = "https://www.tiktok.com/@sun.daze/video/7301234567890123456"


async def new_project(server: RunningServer) -> LiteProject:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer <glow>", created_by=USER_ID)
    assert project.id is not None
    return project


async def test_starting_a_request_names_the_project_whose_link_still_works(server: RunningServer) -> None:
    project = await new_project(server)
    assert project.id is not None

    async with server.sessions() as session:
        with pytest.raises(NotEntitled) as off:
            await linking.start_request(session, actor=ACTOR, project_id=project.id, entitled=False)
        started = await linking.start_request(session, actor=ACTOR, project_id=project.id, entitled=True)

    assert "available to select customers" in off.value.message
    assert "the invite link of “Summer <glow>”" in off.value.message
    assert started.id == project.id


async def test_pasting_and_confirming_are_refused_without_it(server: RunningServer) -> None:
    project = await new_project(server)
    assert project.id is not None
    candidates, _, _ = linking.parse_lines(LINK)

    async with server.sessions.begin() as session:
        with pytest.raises(NotEntitled):
            await linking.parse_pasted(session, actor=ACTOR, project_id=project.id, text=LINK, entitled=False)
        with pytest.raises(NotEntitled):
            await linking.confirm_videos(
                session,
                actor=ACTOR,
                project_id=project.id,
                candidates=candidates,
                selected=[candidate.key for candidate in candidates],
                expires_after_days=30,
                entitled=False,
            )

    async with server.sessions() as session:
        assert (await session.get(LinkingRequest, 1)) is None
