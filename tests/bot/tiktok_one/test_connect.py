"""Connecting a workspace to TikTok One from App Home, through the real server and the fake TikTok One."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.connections import CONNECT_TIKTOK, PICK_TIKTOK_ONE_ACCOUNT
from bot.services import connections
from storage.models import TikTokConnectionKind
from tests.bot.portal.test_tiktok import connect, home_view, stored
from tests.harness.fake_tiktok_one import FakeTikTokOne
from tests.harness.server import RunningServer

TOKEN = "act.tiktok-one-0001"


def connect_url(view: dict[str, Any], kind: str) -> str:
    for block in view["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == CONNECT_TIKTOK and element.get("value") == kind:
                return str(element["url"])
    raise AssertionError(f"no Connect button for {kind}")


async def connect_tiktok_one(server: RunningServer, fake: FakeTikTokOne, *, count: int = 1) -> str:
    fake.add_oauth_code("tto-code-1", token=TOKEN)
    view = await home_view(server, count=count)
    status, page, _ = await connect(server, connect_url(view, "tiktok_one"))
    assert status == 200, page
    return page


async def test_connecting_tiktok_one_stores_the_token_and_its_accounts(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne
) -> None:
    page = await connect_tiktok_one(server, fake_tiktok_one)

    assert "TikTok One is connected" in page and "tcm-account-1" in page
    [connection] = await stored(server)
    assert connection.kind is TikTokConnectionKind.TIKTOK_ONE
    assert connection.account_ids == ["tcm-account-1", "tcm-account-2"]
    assert TOKEN not in connection.access_token_encrypted
    assert connections.decrypt(server.settings, connection.access_token_encrypted) == TOKEN
    [exchange] = fake_tiktok_one.calls("tt_user/oauth2/token/")
    assert exchange.body["auth_code"] == "tto-code-1" and exchange.token is None
    [listing] = fake_tiktok_one.calls("tto/oauth2/tcm/")
    assert listing.token == TOKEN

    view = await home_view(server, count=2)
    assert "TikTok One account `tcm-account-1`" in json.dumps(view)

    # several accounts: the one picked in App Home is the one projects are made in
    await server.slack.block_action(
        PICK_TIKTOK_ONE_ACCOUNT,
        selected_option={"text": {"type": "plain_text", "text": "tcm-account-2"}, "value": "tcm-account-2"},
        view={"id": "V0HOME", "type": "home"},
    )
    publishes = await server.fake.wait_for("views.publish", 3)
    assert "TikTok One account `tcm-account-2`" in json.dumps(publishes[-1].args["view"])
    [connection] = await stored(server)
    assert connection.account_ids == ["tcm-account-2", "tcm-account-1"]
