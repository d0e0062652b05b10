"""App Home's own buttons: the switch for action DMs."""

from __future__ import annotations

import json
from typing import Any

from storage import projects as project_queries
from tests.bot.handlers.helpers import open_home
from tests.factories import make_delivery, make_project, make_workspace
from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID


def dm_switch(view: dict[str, Any]) -> dict[str, Any]:
    block: dict[str, Any] = next(block for block in view["blocks"] if block.get("block_id") == "home_dms")
    return block


async def test_the_dm_switch_is_rendered_and_turns_on_and_off(server: RunningServer) -> None:
    home = await open_home(server)
    assert "Direct messages: off" in dm_switch(home)["text"]["text"]
    assert dm_switch(home)["accessory"]["value"] == "on"

    await server.slack.block_action("home_toggle_action_dms", value="on", view=home)
    on = (await server.fake.wait_for("views.publish", 2))[-1].args["view"]
    assert "Direct messages: on" in dm_switch(on)["text"]["text"]
    assert dm_switch(on)["accessory"]["text"]["text"] == "Turn off"

    await server.slack.block_action("home_toggle_action_dms", value="off", view=on)
    off = (await server.fake.wait_for("views.publish", 3))[-1].args["view"]
    assert "Direct messages: off" in dm_switch(off)["text"]["text"]


async def test_a_manager_who_turned_dms_on_hears_of_each_delivery_and_stops_when_off(
    server: RunningServer,
) -> None:
    from tests.factories import a_spark_code

    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        managed = await make_project(
            session, workspace=workspace, link_name="Managed", created_by="U0OTHER01"
        )
        await project_queries.set_project_managers(session, project_id=managed.id, user_ids=[USER_ID])  # type: ignore[arg-type]
    home = await open_home(server)
    await server.slack.block_action("home_toggle_action_dms", value="on", view=home)
    on = (await server.fake.wait_for("views.publish", 2))[-1].args["view"]

    async def deliver(n: int) -> None:
        async with server.sessions.begin() as session:
            await make_delivery(session, project=managed, number=n + 1, spark_code=a_spark_code(n))
        await server.settle()

    await deliver(0)
    dms = [call for call in server.fake.of("chat.postMessage") if call.args["channel"] == USER_ID]
    assert len(dms) == 1 and "Managed" in json.dumps(dms[0].args)

    await server.slack.block_action("home_toggle_action_dms", value="off", view=on)
    await server.fake.wait_for("views.publish", 3)
    await deliver(1)
    dms = [call for call in server.fake.of("chat.postMessage") if call.args["channel"] == USER_ID]
    assert len(dms) == 1  # switched off: no second DM
