"""Opening App Home publishes the home view: the person's projects first, managed ones with them."""

from __future__ import annotations

import json

from storage import projects as project_queries
from tests.bot.handlers.helpers import a_project, open_home, text_of
from tests.factories import make_project, make_workspace
from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID


async def test_opening_the_home_tab_publishes_the_home_view(server: RunningServer) -> None:
    answer = await server.slack.event(
        {"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"}
    )

    assert answer.status == 200
    (publish,) = await server.fake.wait_for("views.publish")
    assert publish.args["user_id"] == USER_ID
    view = publish.args["view"]
    assert view["type"] == "home"
    assert "liteproject" in str(view["blocks"])


async def test_opening_the_messages_tab_publishes_nothing(server: RunningServer) -> None:
    await server.slack.event(
        {"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "messages"}
    )
    # a later home event proves the first was processed, not merely slow
    await server.slack.event(
        {"type": "app_home_opened", "user": "U0BOB0001", "channel": "D0HOME", "tab": "home"}
    )

    (publish,) = await server.fake.wait_for("views.publish")
    assert publish.args["user_id"] == "U0BOB0001"


async def test_a_manager_sees_the_project_under_mine(server: RunningServer) -> None:

    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        managed = await make_project(
            session, workspace=workspace, link_name="Managed", created_by="U0OTHER01"
        )
        await make_project(session, workspace=workspace, link_name="Not mine", created_by="U0OTHER01")
        await project_queries.set_project_managers(session, project_id=managed.id, user_ids=[USER_ID])  # type: ignore[arg-type]

    home = await open_home(server)
    assert "Managed" in json.dumps(home) and "Not mine" not in json.dumps(home)


async def test_home_lists_projects_newest_first_with_their_buttons(server: RunningServer) -> None:
    await a_project(server, link_name="Older one")
    await a_project(server, link_name="Newer one", active=False)

    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})

    (publish,) = await server.fake.wait_for("views.publish")
    text = text_of(publish.args["view"]["blocks"])
    assert text.index("Newer one") < text.index("Older one")
    assert "home_create_project" in text
    assert "project_resume" in text and "project_pause" in text
