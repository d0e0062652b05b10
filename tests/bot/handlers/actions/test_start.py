"""The start buttons of the bare command: create, list and help."""

from __future__ import annotations

from tests.harness.server import RunningServer


async def test_the_start_buttons_open_create_list_and_help(server: RunningServer) -> None:
    answer = await server.slack.command("")
    actions = [block["accessory"]["action_id"] for block in answer.json["blocks"] if "accessory" in block]

    await server.slack.block_action(actions[0])
    (create,) = await server.fake.wait_for("views.open")
    await server.slack.block_action(actions[1])
    await server.slack.block_action(actions[2])
    await server.slack.block_action(actions[3])

    assert create.args["view"]["callback_id"].startswith("project_create")  # set up first, then create
    opened = await server.fake.wait_for("views.open", count=2)
    assert opened[1].args["view"]["callback_id"] == "brand_add"
    answers = sorted(call.args["text"] for call in await server.fake.wait_for("respond", count=2))
    assert "/liteproject subscribe" in answers[0]  # the whole help, now that it was asked for
    assert "No lite projects yet" in answers[1]
