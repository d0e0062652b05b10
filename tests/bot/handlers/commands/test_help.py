"""`/liteproject help`: every subcommand, or one, as an ephemeral answer."""

from __future__ import annotations

from tests.harness.server import RunningServer


async def test_help_lists_every_subcommand_as_an_ephemeral_answer(server: RunningServer) -> None:
    answer = await server.slack.command("help")

    assert answer.status == 200
    body = answer.json
    assert body["response_type"] == "ephemeral"
    assert "/liteproject help [command]" in body["text"]
    assert any("Commands" in block.get("text", {}).get("text", "") for block in body["blocks"])


async def test_help_for_one_subcommand_shows_only_that_one(server: RunningServer) -> None:
    answer = await server.slack.command("help help")

    text = answer.json["text"]
    assert text.startswith("/liteproject help [command] — ")
    assert text.count("/liteproject ") == 1


async def test_help_videos_explains_the_words(server: RunningServer) -> None:
    answer = await server.slack.command("help videos")

    text = answer.json["text"]
    for word in ("*delivered*", "*authorized*", "*approved*", "*rejected*", "*expired*", "*to review*"):
        assert word in text
    assert "estimated" in text
