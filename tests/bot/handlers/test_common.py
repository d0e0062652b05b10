"""What listeners share, through the server: a view opens on top of the modal it came from, or on
its own from a message; the shared answers keep working from App Home."""

from __future__ import annotations

import json

from bot.blocks.projects import ADD_VIDEOS, SHOW_VIDEOS
from bot.blocks.videos import VIDEO_DETAILS, VIDEO_LIST_CALLBACK
from tests.factories import make_project, make_video
from tests.harness.server import RunningServer


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
