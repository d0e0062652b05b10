"""`/liteproject` through the real server: help, unknown commands, request signing."""

from __future__ import annotations

import time

from tests.harness.server import RunningServer
from tests.harness.slack_requests import sign


async def test_help_lists_every_subcommand_as_an_ephemeral_answer(server: RunningServer) -> None:
    answer = await server.slack.command("help")

    assert answer.status == 200
    body = answer.json
    assert body["response_type"] == "ephemeral"
    assert "/liteproject help [command]" in body["text"]
    assert any("Commands" in block.get("text", {}).get("text", "") for block in body["blocks"])


async def test_a_bare_command_answers_with_a_short_start_with_buttons(server: RunningServer) -> None:
    answer = await server.slack.command("")

    assert answer.json["response_type"] == "ephemeral"
    buttons = [block["accessory"]["text"]["text"] for block in answer.json["blocks"] if "accessory" in block]
    assert buttons == ["Create lite project", "Your projects", "Add brand", "All commands"]
    assert "/liteproject subscribe" not in answer.text  # not every command


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


async def test_help_for_one_subcommand_shows_only_that_one(server: RunningServer) -> None:
    answer = await server.slack.command("help help")

    text = answer.json["text"]
    assert text.startswith("/liteproject help [command] — ")
    assert text.count("/liteproject ") == 1


async def test_unknown_subcommand_suggests_the_closest_one(server: RunningServer) -> None:
    answer = await server.slack.command("hlep")

    body = answer.json
    assert body["response_type"] == "ephemeral"
    assert "`/liteproject hlep` isn't a command. Did you mean `/liteproject help`?" in body["text"]


async def test_a_mistyped_command_shows_the_suggested_usage_not_every_command(server: RunningServer) -> None:
    answer = await server.slack.command("pasue Summer")

    text = answer.json["text"]
    assert "Did you mean `/liteproject pause`?" in text
    assert "/liteproject pause <project>" in text
    assert text.count("/liteproject ") == 3  # the typo, the suggestion and its usage; nothing else


async def test_unknown_subcommand_far_from_any_gets_the_start_without_a_guess(server: RunningServer) -> None:
    answer = await server.slack.command("zzzzzz")

    assert "isn't a command." in answer.json["text"]
    assert "Did you mean" not in answer.json["text"]
    assert "/liteproject help" in answer.json["text"]
    assert any(block.get("accessory") for block in answer.json["blocks"])


async def test_user_text_in_the_answer_is_escaped(server: RunningServer) -> None:
    answer = await server.slack.command("<!channel>")

    assert "<!channel>" not in answer.text
    assert "&lt;!channel&gt;" in answer.json["text"]


async def test_unsigned_request_is_refused(server: RunningServer) -> None:
    body = server.slack.command_body("help")

    answer = await server.slack.post(body, "application/x-www-form-urlencoded", signature="")

    assert answer.status == 401


async def test_badly_signed_request_is_refused(server: RunningServer) -> None:
    body = server.slack.command_body("help")
    timestamp = int(time.time())

    answer = await server.slack.post(
        body,
        "application/x-www-form-urlencoded",
        timestamp=timestamp,
        signature=sign(body, timestamp, "wrong"),
    )

    assert answer.status == 401


async def test_request_older_than_five_minutes_is_refused(server: RunningServer) -> None:
    body = server.slack.command_body("help")
    stale = int(time.time()) - 6 * 60

    answer = await server.slack.post(body, "application/x-www-form-urlencoded", timestamp=stale)

    assert answer.status == 401
    assert server.fake.calls == []


async def test_request_signed_four_minutes_ago_is_accepted(server: RunningServer) -> None:
    body = server.slack.command_body("help")

    answer = await server.slack.post(
        body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 4 * 60
    )

    assert answer.status == 200
