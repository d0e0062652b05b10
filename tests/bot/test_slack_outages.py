"""When Slack itself fails: what people see after a restart, and the install callback's page."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.db import create_engine
from tests.bot.test_oauth import TEAM_A, TOKEN_A, install, oauth_server  # noqa: F401  (fixture)
from tests.harness.server import RunningServer


async def test_slack_answering_5xx_to_auth_test_is_not_a_reinstall(server: RunningServer) -> None:
    server.fake.server_error("auth.test", times=3)  # the first try and both retries

    down = await server.slack.command("list")
    back = await server.slack.command("help")

    assert down.status == 200
    assert "Slack isn't answering" in down.text and "install" not in down.text.lower()
    assert back.status == 200 and "Slack isn't answering" not in back.text


async def test_a_revoked_token_still_says_to_reinstall(server: RunningServer) -> None:
    server.fake.fail("auth.test", "invalid_auth")

    answer = await server.slack.command("list")

    assert "install" in answer.text.lower()


@pytest.mark.backends("sqlite")
async def test_the_oauth_callback_shows_its_failure_page_when_storing_fails(
    oauth_server: RunningServer,  # noqa: F811
) -> None:
    engine = create_engine(oauth_server.settings.database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("ALTER TABLE slack_bots RENAME TO slack_bots_away"))
        try:
            response = await install(oauth_server, team_id=TEAM_A, token=TOKEN_A)
            body = await response.text()
        finally:
            async with engine.begin() as connection:
                await connection.execute(text("ALTER TABLE slack_bots_away RENAME TO slack_bots"))
    finally:
        await engine.dispose()

    assert response.status == 500
    assert "text/html" in response.headers["Content-Type"]
    assert "Traceback" not in body and "500 Internal Server Error" not in body
    assert "/slack/install" in body  # the way to try again
