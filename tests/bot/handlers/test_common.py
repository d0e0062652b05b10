"""App Home is republished after a change only for people who may have it open."""

from __future__ import annotations

import asyncio

from bot.shedding import WORK_LIMIT_KEY
from tests.factories import make_project, make_workspace
from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID


async def work_done(server: RunningServer) -> None:
    """Wait until every listener run, with its work after the ack, has finished."""
    limit = server.runner.app[WORK_LIMIT_KEY]
    while limit.in_progress:
        await asyncio.sleep(0.01)


async def test_a_pause_by_someone_who_never_opened_home_publishes_nothing(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_project(session, workspace=await make_workspace(session), link_name="Glow week")

    await server.slack.command("pause Glow week")
    (told,) = await server.fake.wait_for("respond")
    await work_done(server)

    assert "Paused" in told.args["text"]
    assert server.fake.of("views.publish") == []


async def test_a_pause_by_someone_who_just_opened_home_republishes_it(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_project(session, workspace=await make_workspace(session), link_name="Glow week")
    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})
    (opened,) = await server.fake.wait_for("views.publish")
    assert "Pause" in str(opened.args["view"])

    await server.slack.command("pause Glow week")
    await server.fake.wait_for("respond")
    await work_done(server)

    _opened_again, second = server.fake.of("views.publish")
    assert second.args["user_id"] == USER_ID
    assert "project_resume" in str(second.args["view"])  # the Home now offers to resume it
