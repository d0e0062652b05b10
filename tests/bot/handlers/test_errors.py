"""The one error path: a listener that fails before its ack still answers Slack, once."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.app import BOLT_KEY
from bot.services.errors import NotFound
from tests.harness.server import RunningServer

SOMETHING_WRONG = "Something went wrong on our side"


def bolt_of(server: RunningServer) -> AsyncApp:
    return server.runner.app[BOLT_KEY]


async def raise_domain_error(ack: AsyncAck) -> None:
    raise NotFound("No project is called “Winter”.")


async def raise_unexpected_error(ack: AsyncAck, body: dict[str, Any]) -> None:
    raise RuntimeError("the database went away")


async def explode_command(server: RunningServer, command: str) -> Any:
    body = server.slack.command_body("anything").replace("command=%2Fliteproject", f"command=%2F{command}")
    return await server.slack.post(body, "application/x-www-form-urlencoded")


async def test_a_domain_error_before_the_ack_answers_with_one_ephemeral_message(
    server: RunningServer,
) -> None:
    bolt_of(server).command("/explode")(raise_domain_error)

    answer = await explode_command(server, "explode")

    assert answer.status == 200
    assert answer.json["response_type"] == "ephemeral"
    assert answer.json["text"] == "No project is called “Winter”."
    assert server.fake.of("chat.postEphemeral") == []


async def test_an_unexpected_error_before_the_ack_is_acked_and_told_once(server: RunningServer) -> None:
    bolt_of(server).action("boom_before_ack")(raise_unexpected_error)

    answer = await server.slack.block_action("boom_before_ack", value="1")

    assert answer.status == 200
    (told,) = await server.fake.wait_for("respond")
    assert SOMETHING_WRONG in told.args["text"]


async def test_a_modal_that_fails_before_the_ack_shows_the_error_in_the_modal(server: RunningServer) -> None:
    bolt_of(server).view("boom_modal")(raise_unexpected_error)

    answer = await server.slack.view_submission("boom_modal", {})

    assert answer.status == 200
    assert answer.json["response_action"] == "update"
    assert SOMETHING_WRONG in str(answer.json["view"]["blocks"])
    assert server.fake.of("views.push") == [] and server.fake.of("views.open") == []


async def test_listeners_registered_through_the_public_api_take_the_error_path(server: RunningServer) -> None:
    # the guard sits on Bolt's public registering methods: a listener added any other way would
    # let its error reach Bolt's runner and Slack would show its own failure
    registered = bolt_of(server).command("/explode2")(raise_domain_error)

    assert registered is not raise_domain_error
    answer = await explode_command(server, "explode2")
    assert (answer.status, answer.json["text"]) == (200, "No project is called “Winter”.")
