"""`/liteproject` itself: the bare command's start, unknown subcommands, user text escaped."""

from __future__ import annotations

from tests.harness.server import RunningServer


async def test_a_bare_command_answers_with_a_short_start_with_buttons(server: RunningServer) -> None:
    answer = await server.slack.command("")

    assert answer.json["response_type"] == "ephemeral"
    buttons = [block["accessory"]["text"]["text"] for block in answer.json["blocks"] if "accessory" in block]
    assert buttons == ["Create lite project", "Your projects", "Add brand", "All commands"]
    assert "/liteproject subscribe" not in answer.text  # not every command


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
