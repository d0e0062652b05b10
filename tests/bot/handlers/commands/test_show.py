"""`/liteproject show`: every field and the buttons; an unknown or ambiguous name answers with candidates."""

from __future__ import annotations

from tests.bot.handlers.helpers import FUTURE_DEADLINE, a_project, text_of
from tests.harness.server import RunningServer


async def test_show_gives_every_field_and_the_buttons(server: RunningServer) -> None:
    project = await a_project(server, link_name="Summer glow", deadline=FUTURE_DEADLINE)

    await server.slack.command("show Summer glow")

    (answer,) = await server.fake.wait_for("respond")
    text = text_of(answer.args["blocks"])
    for expected in (
        "30 days",
        "Serum page",
        "GlowCo US",
        "partners@glowco.com",
        "Mention #GlowCoPartner",
        project.invite_token,
    ):
        assert expected in text
    assert "project_manage" in text and "project_pause" in text


async def test_unknown_project_answers_with_recent_ones(server: RunningServer) -> None:
    await a_project(server, link_name="Summer glow")

    await server.slack.command("show winter")

    (answer,) = await server.fake.wait_for("respond")
    assert "No project is called “winter”" in answer.args["text"]
    assert "Summer glow" in answer.args["text"]


async def test_ambiguous_prefix_lists_the_candidates(server: RunningServer) -> None:
    await a_project(server, link_name="Summer glow")
    await a_project(server, link_name="Summer shine")

    await server.slack.command("show summer")

    (answer,) = await server.fake.wait_for("respond")
    assert "More than one project" in answer.args["text"]
    assert "Summer glow" in answer.args["text"] and "Summer shine" in answer.args["text"]
