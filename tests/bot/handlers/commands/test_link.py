"""`/liteproject link`: the invite link alone, with an offer to compose an invite message."""

from __future__ import annotations

from tests.bot.handlers.helpers import a_project, text_of
from tests.harness.server import RunningServer


async def test_link_answers_the_link_alone_and_offers_an_invite_message(server: RunningServer) -> None:
    project = await a_project(server, link_name="Summer glow")

    await server.slack.command("link summer")

    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["text"] == f"{server.url}/i/{project.invite_token}"
    assert f"```{server.url}/i/{project.invite_token}```" in text_of(answer.args["blocks"])
    assert "project_compose_invite" in text_of(answer.args["blocks"])
