"""Calls to Slack share one pooled HTTP session; creator-page templates are compiled once."""

from __future__ import annotations

from bot.app import BOLT_KEY, DISPATCHER_KEY
from bot.portal import routes
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
