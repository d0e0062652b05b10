"""The project buttons (cards, lists, App Home, the manage modal): each answers for its own workspace's
project only."""

from __future__ import annotations

import json

from bot.blocks.projects import ADD_VIDEOS
from storage.models import LiteProject
from tests.bot.handlers.helpers import a_project, open_home, project_with_one_video, reload, text_of
from tests.factories import make_project, make_workspace, rows
from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID


async def test_archive_from_manage_project_link_answers_in_the_modal(
    server: RunningServer, project: LiteProject
) -> None:
    await server.slack.command("edit summer glow")
    (opened,) = await server.fake.wait_for("views.open")
    view = {**opened.args["view"], "id": "V0MANAGE"}
    button = next(block for block in view["blocks"] if block.get("block_id") == "archive")["elements"][0]
    assert "confirm" in button

    await server.slack.block_action(button["action_id"], value=button["value"], view=view)

    (updated,) = await server.fake.wait_for("views.update")
    assert updated.args["view_id"] == "V0MANAGE"
    assert "Archived “Summer glow”" in json.dumps(updated.args["view"], ensure_ascii=False)
    assert (await reload(server, project)).archived_at is not None


async def test_home_shows_my_projects_first_and_all_on_request(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        await make_project(session, workspace=workspace, link_name="Mine to run", created_by=USER_ID)
        await make_project(session, workspace=workspace, link_name="Someone else's", created_by="U0OTHER01")

    home = await open_home(server)
    assert "Mine to run" in json.dumps(home) and "Someone else's" not in json.dumps(home)
    assert json.loads(home["private_metadata"]) == {"scope": "mine"}

    await server.slack.block_action("home_scope_all", value="all", view=home)
    everything = (await server.fake.wait_for("views.publish", 2))[-1].args["view"]
    assert "Mine to run" in json.dumps(everything) and "Someone else's" in json.dumps(everything)

    await server.slack.block_action("home_toggle_action_dms", value="on", view=everything)
    still_all = (await server.fake.wait_for("views.publish", 3))[-1].args["view"]
    assert "Someone else's" in json.dumps(still_all)  # the switch keeps the chosen list


async def test_the_add_videos_button_opens_the_paste_modal(linking_server: RunningServer) -> None:
    project = await project_with_one_video(linking_server)

    await linking_server.slack.block_action(ADD_VIDEOS, value=str(project.id))

    (opened,) = await linking_server.fake.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "linking_paste"
    assert json.loads(opened.args["view"]["private_metadata"]) == {"project_id": project.id}


async def test_create_from_the_home_tab_opens_the_modal(
    server: RunningServer, assets: dict[str, int]
) -> None:
    await server.slack.block_action("home_create_project", view={"id": "VHOME", "type": "home"})

    (opened,) = await server.fake.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "project_create"


async def test_copy_invite_link_button_answers_ephemerally(server: RunningServer) -> None:
    project = await a_project(server)

    await server.slack.block_action("project_copy_link", value=str(project.id))

    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["text"] == f"{server.url}/i/{project.invite_token}"


async def test_pause_button_on_the_card(server: RunningServer) -> None:
    project = await a_project(server)

    await server.slack.block_action("project_pause", value=str(project.id))

    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["text"].startswith("Paused")
    (stored_project,) = await rows(server.sessions, LiteProject)
    assert stored_project.active is False


async def test_the_switch_in_the_manage_modal_pauses_and_redraws_it(server: RunningServer) -> None:
    project = await a_project(server)

    await server.slack.block_action(
        "project_manage_toggle",
        value=f"{project.id}:off",
        view={"id": "V0MANAGE", "hash": "h1", "type": "modal"},
    )

    (update,) = await server.fake.wait_for("views.update")
    assert update.args["view_id"] == "V0MANAGE"
    assert "Active invite link: off" in text_of(update.args["view"]["blocks"])
    (stored_project,) = await rows(server.sessions, LiteProject)
    assert stored_project.active is False


async def test_buttons_with_a_project_of_another_workspace_are_refused(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        foreign = await make_project(session, workspace=other)

    await server.slack.block_action("project_pause", value=str(foreign.id))

    (answer,) = await server.fake.wait_for("respond")
    assert "isn't in this workspace" in answer.args["text"]
    (theirs,) = await rows(server.sessions, LiteProject)
    assert theirs.active is True


async def test_copy_invite_link_from_home_opens_a_small_modal(server: RunningServer) -> None:
    project = await a_project(server)

    await server.slack.block_action(
        "project_copy_link", value=str(project.id), view={"id": "VHOME", "type": "home"}
    )

    (opened,) = await server.fake.wait_for("views.open")
    assert project.invite_token in text_of(opened.args["view"]["blocks"])
