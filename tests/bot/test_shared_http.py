"""Calls to Slack share one pooled HTTP session; creator-page templates are compiled once."""

from __future__ import annotations

from sqlmodel import select

from bot.app import BOLT_KEY, DISPATCHER_KEY
from bot.portal import routes
from storage.models import LiteProject
from tests.factories import make_project, make_workspace
from tests.harness.server import RunningServer


async def test_web_api_calls_and_response_url_posts_share_one_session(server: RunningServer) -> None:
    app = server.runner.app
    session = app[BOLT_KEY].client.session

    assert session is not None and not session.closed
    assert app[DISPATCHER_KEY].client.session is session
    # a command answered through response_url goes out on it and arrives
    await server.slack.command("status")
    (answer,) = await server.fake.wait_for("respond")
    assert "notification" in answer.args["text"].lower()

    await server.stop()
    assert session.closed


def test_creator_page_templates_are_compiled_once() -> None:
    first = routes.templates.get_template("message.html")

    assert routes.templates.auto_reload is False  # no stat() of the file on every page
    assert routes.templates.get_template("message.html") is first


async def test_work_after_the_ack_finishes_before_the_server_stops(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_project(session, workspace=await make_workspace(session), link_name="Glow week")

    answer = await server.slack.command("pause Glow week")  # acked; the pause runs after it
    await server.stop()

    assert answer.status == 200
    (told,) = server.fake.of("respond")
    assert "Paused" in told.args["text"]
    async with server.sessions() as session:
        (project,) = (await session.execute(select(LiteProject))).scalars().all()
    assert project.active is False
