"""What listeners share, through the server: a view opens on top of the modal it came from, or on
its own from a message; the shared answers keep working from App Home; App Home is republished
after a change only for people who may have it open."""

from __future__ import annotations

import asyncio
import json

from bot.blocks.projects import ADD_VIDEOS, SHOW_VIDEOS
from bot.blocks.videos import VIDEO_DETAILS, VIDEO_LIST_CALLBACK
from bot.shedding import WORK_LIMIT_KEY
from tests.factories import make_project, make_video, make_workspace
from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID


async def test_a_view_opens_on_its_own_from_a_message_and_on_top_inside_a_modal(
    server: RunningServer,
) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session)
        video = await make_video(session, project=project)

    await server.slack.block_action(VIDEO_DETAILS, value=str(video.id))
    (opened,) = await server.fake.wait_for("views.open")
    list_modal = {"id": "V0LIST", "type": "modal", "callback_id": VIDEO_LIST_CALLBACK}
    await server.slack.block_action(VIDEO_DETAILS, value=str(video.id), view=list_modal)
    (pushed,) = await server.fake.wait_for("views.push")

    assert opened.args["view"]["callback_id"] == pushed.args["view"]["callback_id"] == "video_details"
    assert json.loads(pushed.args["view"]["private_metadata"]) == {"video_id": video.id}


async def test_app_home_is_not_a_modal_to_push_onto(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session)

    await server.slack.block_action(SHOW_VIDEOS, value=str(project.id), view={"id": "VHOME", "type": "home"})

    (opened,) = await server.fake.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == VIDEO_LIST_CALLBACK
    assert json.loads(opened.args["view"]["private_metadata"]) == {"project_id": project.id}
    assert server.fake.of("views.push") == []


async def test_a_refusal_on_app_home_opens_a_small_modal(server: RunningServer) -> None:
    # linking requests are off in this server: the service refuses, the one error path shows it
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")

    await server.slack.block_action(ADD_VIDEOS, value=str(project.id), view={"id": "VHOME", "type": "home"})

    (opened,) = await server.fake.wait_for("views.open")
    assert "available to select customers" in json.dumps(opened.args["view"])
    assert "Summer glow" in json.dumps(opened.args["view"])
    assert server.fake.of("views.push") == []


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
