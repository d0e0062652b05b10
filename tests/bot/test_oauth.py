"""Multi-workspace (OAuth) mode through the real server: install, callback, requests per team, uninstall."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
import yaml
from sqlalchemy import text
from sqlmodel import select

from bot.app import DISPATCHER_KEY
from bot.oauth import BOT_SCOPES
from bot.services.notices import queue_card_refresh
from storage.db import create_engine
from storage.models import OutboxMessage, OutboxStatus
from tests.factories import make_project, make_workspace
from tests.harness.fake_slack import FakeSlack
from tests.harness.server import RunningServer, start_server
from tests.harness.slack_requests import sign

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "1111.2222"
TEAM_A = "T0TEAMAAA"
TOKEN_A = "xoxb-team-a-token"


@pytest.fixture
async def oauth_server(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[RunningServer]:
    running = await start_server(
        fake_slack,
        database_url,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        slack_state_secret="state-secret-state-secret",
    )
    yield running
    await running.stop()


async def install(
    server: RunningServer, *, team_id: str, token: str, code: str = "code-1"
) -> aiohttp.ClientResponse:
    """Click the install link, consent on Slack (the fake), and come back to the redirect URL."""
    server.fake.installable(code, team_id=team_id, token=token)
    async with aiohttp.ClientSession() as browser:
        async with browser.get(f"{server.url}/slack/install", allow_redirects=False) as response:
            assert response.status == 302
            state = parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]
            cookie = response.headers["Set-Cookie"].split(";", 1)[0]
        async with browser.get(
            f"{server.url}/slack/oauth_redirect",
            params={"code": code, "state": state},
            headers={"Cookie": cookie},
            allow_redirects=False,
        ) as response:
            await response.read()
            return response


async def installed_teams(server: RunningServer, table: str = "slack_bots") -> list[tuple[str | None, str]]:
    engine = create_engine(server.settings.database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text(f"SELECT team_id, bot_token FROM {table} ORDER BY id"))
            return [(row[0], row[1]) for row in rows]
    finally:
        await engine.dispose()


async def eventually(server: RunningServer, bots: list[tuple[str | None, str]], timeout: float = 5.0) -> None:
    """Events are acked before their listener runs: wait for the bots table to become `bots`."""
    deadline = time.monotonic() + timeout
    while (found := await installed_teams(server)) != bots:
        assert time.monotonic() < deadline, f"bots installed: {found}, wanted {bots}"
        await asyncio.sleep(0.02)


async def sent_all(server: RunningServer, timeout: float = 5.0) -> None:
    """Wait until the dispatcher has recorded every send (so the server stops between rounds)."""
    deadline = time.monotonic() + timeout
    while True:
        async with server.sessions() as session:
            statuses = (await session.execute(select(OutboxMessage.status))).scalars().all()
        if statuses and all(status == OutboxStatus.SENT for status in statuses):
            return
        assert time.monotonic() < deadline, f"outbox not sent: {statuses}"
        await asyncio.sleep(0.02)


def test_the_scopes_asked_at_install_are_the_manifests() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())

    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])
    assert manifest["oauth_config"]["redirect_urls"] == ["https://YOUR-HOST/slack/oauth_redirect"]


async def test_the_install_link_sends_the_installer_to_slack_with_a_state(
    oauth_server: RunningServer,
) -> None:
    async with aiohttp.ClientSession() as browser:
        async with browser.get(f"{oauth_server.url}/slack/install", allow_redirects=False) as response:
            assert response.status == 302
            location = urlsplit(response.headers["Location"])
            cookie = response.headers["Set-Cookie"]

    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://slack.com/oauth/v2/authorize"
    assert query["client_id"] == [CLIENT_ID]
    assert sorted(query["scope"][0].split(",")) == sorted(BOT_SCOPES)
    assert query["redirect_uri"] == [f"{oauth_server.url}/slack/oauth_redirect"]
    state = query["state"][0]
    assert len(state) >= 20
    # the browser that started the install must be the one that finishes it
    assert cookie.startswith(f"slack-app-oauth-state={state};")


async def test_the_callback_stores_the_installation_and_the_team_then_works_with_its_token(
    oauth_server: RunningServer,
) -> None:
    response = await install(oauth_server, team_id=TEAM_A, token=TOKEN_A)

    assert response.status == 200
    (exchange,) = oauth_server.fake.of("oauth.v2.access")
    assert exchange.args["code"] == "code-1"
    assert await installed_teams(oauth_server) == [(TEAM_A, TOKEN_A)]
    assert await installed_teams(oauth_server, "slack_installations") == [(TEAM_A, TOKEN_A)]

    answer = await oauth_server.slack.command("brand add", team_id=TEAM_A)

    assert answer.status == 200, answer.text
    (opened,) = await oauth_server.fake.wait_for("views.open")
    assert opened.token == TOKEN_A
    assert opened.answer["ok"] is True


async def test_channel_notifications_go_out_with_each_workspaces_own_token(
    oauth_server: RunningServer,
) -> None:
    await install(oauth_server, team_id=TEAM_A, token=TOKEN_A)
    await install(oauth_server, team_id="T0TEAMBBB", token="xoxb-team-b-token", code="code-b")
    async with oauth_server.sessions.begin() as session:
        for team_id, channel in ((TEAM_A, "C0CHANAAA"), ("T0TEAMBBB", "C0CHANBBB")):
            project = await make_project(
                session, workspace=await make_workspace(session, team_id=team_id), channel_id=channel
            )
            await queue_card_refresh(session, project=project, reason="created")
    oauth_server.runner.app[DISPATCHER_KEY].wake()

    posts = await oauth_server.fake.wait_for("chat.postMessage", 2)

    assert {(call.args["channel"], call.token) for call in posts} == {
        ("C0CHANAAA", TOKEN_A),
        ("C0CHANBBB", "xoxb-team-b-token"),
    }
    assert all(call.answer["ok"] for call in posts)
    await sent_all(oauth_server)


async def test_a_channel_shared_by_two_workspaces_gets_each_ones_notices_with_its_own_token(
    oauth_server: RunningServer,
) -> None:
    # Slack Connect: the agency's and the client's workspaces both post in one channel id
    await install(oauth_server, team_id=TEAM_A, token=TOKEN_A)
    await install(oauth_server, team_id="T0TEAMBBB", token="xoxb-team-b-token", code="code-b")
    async with oauth_server.sessions.begin() as session:
        for team_id, name in ((TEAM_A, "Agency launch"), ("T0TEAMBBB", "Client launch")):
            project = await make_project(
                session,
                workspace=await make_workspace(session, team_id=team_id),
                channel_id="C0SHARED1",
                link_name=name,
            )
            await queue_card_refresh(session, project=project, reason="created")
    oauth_server.runner.app[DISPATCHER_KEY].wake()

    posts = await oauth_server.fake.wait_for("chat.postMessage", 2)

    tokens = {call.token: json.dumps(call.args.get("blocks")) for call in posts}
    assert set(tokens) == {TOKEN_A, "xoxb-team-b-token"}
    assert "Agency launch" in tokens[TOKEN_A]
    assert "Client launch" in tokens["xoxb-team-b-token"]
    await sent_all(oauth_server)


async def test_a_notice_of_an_uninstalled_workspace_is_parked_not_sent_with_another_token(
    oauth_server: RunningServer,
) -> None:
    await install(oauth_server, team_id=TEAM_A, token=TOKEN_A)
    async with oauth_server.sessions.begin() as session:
        project = await make_project(
            session, workspace=await make_workspace(session, team_id="T0GONE001"), channel_id="C0CHANAAA"
        )
        await queue_card_refresh(session, project=project, reason="created")
    oauth_server.runner.app[DISPATCHER_KEY].wake()

    deadline = time.monotonic() + 5
    while True:
        async with oauth_server.sessions() as session:
            row = (await session.execute(select(OutboxMessage))).scalars().one()
        if row.status == OutboxStatus.FAILED:
            break
        assert time.monotonic() < deadline, f"outbox row still {row.status}"
        await asyncio.sleep(0.02)

    assert "no longer installed" in (row.last_error or "")
    assert oauth_server.fake.of("chat.postMessage") == []


async def test_multi_workspace_mode_checks_signatures_too(oauth_server: RunningServer) -> None:
    await install(oauth_server, team_id=TEAM_A, token=TOKEN_A)
    body = oauth_server.slack.command_body("brand add", team_id=TEAM_A)
    stamp = int(time.time())

    forged = await oauth_server.slack.post(
        body,
        "application/x-www-form-urlencoded",
        timestamp=stamp,
        signature=sign(body, stamp, "not-the-secret"),
    )
    stale = await oauth_server.slack.post(body, "application/x-www-form-urlencoded", timestamp=stamp - 600)

    assert (forged.status, stale.status) == (401, 401)
    assert oauth_server.fake.of("views.open") == []


async def test_a_team_that_never_installed_is_refused(oauth_server: RunningServer) -> None:
    await install(oauth_server, team_id=TEAM_A, token=TOKEN_A)

    answer = await oauth_server.slack.command("brand add", team_id="T0STRANGER")

    assert answer.status == 200
    (told,) = await oauth_server.fake.wait_for("respond")
    assert "isn't installed in this workspace" in told.args["text"]
    assert f"{oauth_server.url}/slack/install" in told.args["text"]
    assert not oauth_server.fake.of("views.open")


async def test_a_callback_with_a_forged_or_replayed_state_installs_nothing(
    oauth_server: RunningServer,
) -> None:
    oauth_server.fake.installable("code-2", team_id=TEAM_A, token=TOKEN_A)
    async with aiohttp.ClientSession() as browser:
        async with browser.get(
            f"{oauth_server.url}/slack/oauth_redirect",
            params={"code": "code-2", "state": "forged"},
            headers={"Cookie": "slack-app-oauth-state=forged"},
        ) as response:
            assert response.status in (400, 401)

    assert not oauth_server.fake.of("oauth.v2.access")
    assert await installed_teams(oauth_server) == []


async def test_app_uninstalled_forgets_the_installation(oauth_server: RunningServer) -> None:
    await install(oauth_server, team_id=TEAM_A, token=TOKEN_A)
    await install(oauth_server, team_id="T0TEAMBBB", token="xoxb-team-b-token", code="code-b")

    answer = await oauth_server.slack.event({"type": "app_uninstalled"}, team_id=TEAM_A)

    assert answer.status == 200
    await eventually(oauth_server, [("T0TEAMBBB", "xoxb-team-b-token")])
    assert await installed_teams(oauth_server, "slack_installations") == [("T0TEAMBBB", "xoxb-team-b-token")]
    await oauth_server.slack.command("brand add", team_id=TEAM_A)
    (told,) = await oauth_server.fake.wait_for("respond")
    assert "isn't installed in this workspace" in told.args["text"]
    assert not oauth_server.fake.of("views.open")


async def test_tokens_revoked_for_the_bot_forgets_it(oauth_server: RunningServer) -> None:
    await install(oauth_server, team_id=TEAM_A, token=TOKEN_A)

    answer = await oauth_server.slack.event(
        {"type": "tokens_revoked", "tokens": {"oauth": ["U0INSTALL"], "bot": ["U0LITEBOT"]}}, team_id=TEAM_A
    )

    assert answer.status == 200
    await eventually(oauth_server, [])
    assert await installed_teams(oauth_server, "slack_installations") == []


async def test_uninstall_from_a_grid_workspace_keeps_the_other_orgs_installation(
    oauth_server: RunningServer,
) -> None:
    """The same team id under two Enterprise Grid orgs: only the org the event names is forgotten."""
    engine = create_engine(oauth_server.settings.database_url)
    async with engine.begin() as connection:
        for enterprise, token in (("E0ORGONE", "xoxb-org-one"), ("E0ORGTWO", "xoxb-org-two")):
            await connection.execute(
                text(
                    "INSERT INTO slack_bots (client_id, app_id, enterprise_id, team_id, bot_token, "
                    "is_enterprise_install, installed_at) "
                    "VALUES (:client, 'A0LITE001', :enterprise, :team, :token, false, CURRENT_TIMESTAMP)"
                ),
                {"client": CLIENT_ID, "enterprise": enterprise, "team": TEAM_A, "token": token},
            )
    await engine.dispose()
    envelope = {
        "team_id": TEAM_A,
        "enterprise_id": "E0ORGONE",
        "api_app_id": "A0LITE001",
        "type": "event_callback",
        "event_id": "Ev0GRID0001",
        "event_time": int(time.time()),
        "event": {"type": "app_uninstalled"},
        "authorizations": [
            {"enterprise_id": "E0ORGONE", "team_id": TEAM_A, "user_id": "U0LITEBOT", "is_bot": True}
        ],
    }

    answer = await oauth_server.slack.post(json.dumps(envelope), "application/json")

    assert answer.status == 200
    await eventually(oauth_server, [(TEAM_A, "xoxb-org-two")])


async def test_single_workspace_mode_serves_no_install_pages(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as browser:
        async with browser.get(f"{server.url}/slack/install", allow_redirects=False) as response:
            assert response.status == 404
