"""Connecting TikTok for Business from App Home, through the real server and the fake TikTok.

App Home's *Connect* link → `/tiktok/connect` → TikTok's authorization page (the fake approves at
once) → `/tiktok/oauth` → the code exchanged, the connection stored encrypted.
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from bot.blocks.connections import CONNECT_TIKTOK, DISCONNECT_TIKTOK
from bot.services import connections
from storage import assets as asset_queries
from storage import projects as project_queries
from storage.models import (
    AuditEvent,
    SparkCheck,
    TikTokConnection,
    TikTokConnectionKind,
    TikTokConnectionStatus,
    Video,
    VideoStatus,
    utcnow,
)
from tests.bot.portal.test_routes import fetch
from tests.bot.services.test_video_lookups import wait_until
from tests.factories import make_ads_account, make_project, make_video, make_workspace
from tests.harness.fake_slack import FakeSlack
from tests.harness.fake_tiktok_business import FakeTikTokBusiness
from tests.harness.server import RunningServer, start_server
from tests.harness.slack_requests import USER_ID

TOKEN = "act.connected-by-oauth-0001"
ADVERTISERS = ["7000000000000000001", "7000000000000000002"]


@pytest.fixture
def server(tiktok_server: RunningServer) -> RunningServer:
    """Every test here connects a workspace to TikTok."""
    return tiktok_server


async def home_view(server: RunningServer, *, count: int = 1) -> dict[str, Any]:
    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})
    publishes = await server.fake.wait_for("views.publish", count)
    view: dict[str, Any] = publishes[-1].args["view"]
    return view


def button(view: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    for block in view["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    return None


async def connect(server: RunningServer, link: str) -> tuple[int, str, str]:
    """Follow the connect link through TikTok's page back to liteproject: (status, page, oauth url)."""
    start = await fetch("GET", link)
    assert start.status == 302, start.text
    authorize = start.headers["Location"]
    tiktok = await fetch("GET", authorize)
    assert tiktok.status == 302
    back = tiktok.headers["Location"]
    assert back.startswith(f"{server.url}/tiktok/oauth?")
    done = await fetch("GET", back)
    return done.status, html.unescape(done.text), back


async def stored(server: RunningServer) -> list[TikTokConnection]:
    async with server.sessions() as session:
        return list((await session.execute(select(TikTokConnection))).scalars().all())


async def test_connecting_from_app_home_stores_the_token_encrypted_with_its_advertisers(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_oauth_code("auth-code-1", token=TOKEN, advertiser_ids=ADVERTISERS)
    view = await home_view(server)
    assert "not connected" in json.dumps(view)
    connect_button = button(view, CONNECT_TIKTOK)
    assert connect_button is not None and connect_button["url"].startswith(f"{server.url}/tiktok/connect?")

    status, page, back = await connect(server, connect_button["url"])

    assert status == 200
    assert "TikTok for Business is connected" in page and "2 Ads Manager accounts" in page
    [connection] = await stored(server)
    assert connection.kind is TikTokConnectionKind.BUSINESS
    assert connection.status is TikTokConnectionStatus.CONNECTED
    assert connection.account_ids == ADVERTISERS
    assert connection.connected_by == USER_ID
    assert TOKEN not in connection.access_token_encrypted
    assert connections.decrypt(server.settings, connection.access_token_encrypted) == TOKEN
    [exchange] = fake_tiktok_business.calls_to("oauth2/access_token/")
    assert exchange.body["auth_code"] == "auth-code-1" and exchange.token is None

    # the state was used up: TikTok's redirect can't be replayed
    again = await fetch("GET", back)
    assert again.status == 400 and "already used" in again.text
    assert len(fake_tiktok_business.calls_to("oauth2/access_token/")) == 1

    view = await home_view(server, count=2)
    assert "connected by" in json.dumps(view) and "2 Ads Manager accounts" in json.dumps(view)
    assert button(view, DISCONNECT_TIKTOK) is not None


async def test_a_tampered_or_foreign_connect_link_is_refused(server: RunningServer) -> None:
    view = await home_view(server)
    link = button(view, CONNECT_TIKTOK)["url"]  # type: ignore[index]
    query = parse_qs(urlsplit(link).query)

    other_user = link.replace(f"u={query['u'][0]}", "u=U0MALLORY1")
    refused = await fetch("GET", other_user)

    assert refused.status == 400 and "isn't valid" in html.unescape(refused.text)
    assert (await fetch("GET", f"{server.url}/tiktok/connect")).status == 400
    assert (await fetch("GET", f"{server.url}/tiktok/oauth?auth_code=x&state=made-up")).status == 400
    assert await stored(server) == []


async def test_tiktok_refusing_the_code_connects_nothing(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    view = await home_view(server)
    link = button(view, CONNECT_TIKTOK)["url"]  # type: ignore[index]

    status, page, _ = await connect(server, link)  # no code registered: TikTok refuses the exchange

    assert status == 400 and "didn't accept" in page
    assert "request_id" not in page and "40002" not in page
    assert await stored(server) == []


async def test_disconnecting_forgets_the_token(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_oauth_code("auth-code-2", token=TOKEN, advertiser_ids=ADVERTISERS[:1])
    view = await home_view(server)
    await connect(server, button(view, CONNECT_TIKTOK)["url"])  # type: ignore[index]

    answer = await server.slack.block_action(
        DISCONNECT_TIKTOK, value="business", view={"id": "V0HOME", "type": "home"}
    )

    assert answer.status == 200
    publishes = await server.fake.wait_for("views.publish", 2)
    assert "not connected" in json.dumps(publishes[-1].args["view"])
    assert await stored(server) == []
    async with server.sessions() as session:
        actions = [event.action for event in (await session.execute(select(AuditEvent))).scalars()]
    assert actions == ["tiktok.connected", "tiktok.disconnected"]


async def test_without_the_developer_app_home_offers_no_connect(
    fake_slack: FakeSlack, database_url: str
) -> None:
    running = await start_server(fake_slack, database_url)
    try:
        view = await home_view(running)
        assert button(view, CONNECT_TIKTOK) is None
        assert (await fetch("GET", f"{running.url}/tiktok/oauth?state=x")).status == 400
    finally:
        await running.stop()


async def test_accounts_says_which_ads_manager_account_the_connection_cannot_reach(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_oauth_code("auth-code-3", token=TOKEN, advertiser_ids=ADVERTISERS[:1])
    view = await home_view(server)
    await connect(server, button(view, CONNECT_TIKTOK)["url"])  # type: ignore[index]
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        await make_ads_account(
            session, workspace=workspace, advertiser_id=ADVERTISERS[0], display_name="Reached"
        )
        await make_ads_account(
            session, workspace=workspace, advertiser_id=ADVERTISERS[1], display_name="Beyond"
        )

    answer = await server.slack.command("accounts")

    text = "\n".join(
        block["text"]["text"]
        for block in answer.json["blocks"]
        if block.get("type") == "section" and "text" in block
    )
    lines = text.split("\n")
    beyond = next(index for index, line in enumerate(lines) if line.startswith("*Beyond*"))
    reached = next(index for index, line in enumerate(lines) if line.startswith("*Reached*"))
    assert "can't reach this account" in lines[beyond + 1]
    assert reached + 1 == len(lines) or "can't reach" not in lines[reached + 1]
    assert text.count("can't reach") == 1


async def test_connecting_checks_the_codes_the_workspace_already_has(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session)
        video = await make_video(
            session, project=project, tiktok_video_id="7301234567890123456", spark_code="#Code1"
        )
        video.status = VideoStatus.AUTHORIZED
        video.authorized_at = utcnow()
    accounts = await ads_accounts_of(server, project)
    fake_tiktok_business.add_oauth_code("auth-code-4", token=TOKEN, advertiser_ids=accounts)
    fake_tiktok_business.add_spark_code("#Code1", "7301234567890123456", auth_end_time="2027-06-30 00:00:00")
    view = await home_view(server)

    await connect(server, button(view, CONNECT_TIKTOK)["url"])  # type: ignore[index]

    async def checked() -> bool:
        async with server.sessions() as session:
            return (await session.get(Video, video.id)).spark_check is SparkCheck.VERIFIED  # type: ignore[union-attr]

    await wait_until(checked)


async def ads_accounts_of(server: RunningServer, project: Any) -> list[str]:
    async with server.sessions() as session:
        ids = await project_queries.project_ads_account_ids(session, project_id=project.id)
        return [
            account.advertiser_id
            for account in await asset_queries.get_ads_accounts(
                session, workspace_id=project.workspace_id, ids=ids
            )
        ]
