"""`/liteproject account add` and `/liteproject accounts`: the Ads Manager account modal opens, the
list shows what was added."""

from __future__ import annotations

import json

from bot.blocks.assets import ADS_ACCOUNT_ADD
from tests.bot.handlers.helpers import METADATA, account_values
from tests.factories import make_ads_account, make_workspace
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID


async def test_account_add_opens_the_add_ads_manager_account_modal(server: RunningServer) -> None:
    answer = await server.slack.command("account add")

    assert answer.text == ""
    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == ADS_ACCOUNT_ADD
    assert view["title"]["text"] == "Add Ads Manager account"
    assert [block["block_id"] for block in view["blocks"]] == ["advertiser_id", "display_name"]
    assert json.loads(view["private_metadata"]) == {"channel_id": CHANNEL_ID}


async def test_accounts_without_any_says_how_to_add_one(server: RunningServer) -> None:
    answer = await server.slack.command("accounts")

    assert answer.json["response_type"] == "ephemeral"
    assert answer.json["text"] == "No TikTok Ads Manager accounts yet. `/liteproject account add` adds one."


async def test_accounts_lists_what_was_added(server: RunningServer) -> None:
    await server.slack.view_submission(ADS_ACCOUNT_ADD, account_values(), private_metadata=METADATA)
    await server.slack.view_submission(
        ADS_ACCOUNT_ADD,
        account_values(advertiser_id="7000000000001", display_name="GlowCo <EU>"),
        private_metadata=METADATA,
    )
    async with server.sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        await make_ads_account(session, workspace=other, advertiser_id="7999999999999", display_name="Theirs")

    answer = await server.slack.command("accounts")

    body = answer.json
    assert body["response_type"] == "ephemeral"
    shown = json.dumps(body["blocks"])
    assert "GlowCo US" in shown and "7123456789012345678" in shown
    assert "GlowCo &lt;EU&gt;" in shown and "7000000000001" in shown
    assert "Theirs" not in answer.text
    assert "(2)" in body["text"]


async def test_account_without_add_answers_with_its_usage(server: RunningServer) -> None:
    answer = await server.slack.command("account")

    assert answer.json["response_type"] == "ephemeral"
    assert "`/liteproject account add` adds a TikTok Ads Manager account" in answer.json["text"]
    assert server.fake.of("views.open") == []
