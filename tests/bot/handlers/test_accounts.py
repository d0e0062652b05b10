"""`/liteproject account add` and `accounts`, through the real server and the fake Slack."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col

from bot.blocks.assets import ADS_ACCOUNT_ADD
from storage.models import AdsAccount, AuditEvent
from tests.factories import make_ads_account, make_brand, make_workspace, rows
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID


async def test_account_add_opens_the_add_ads_manager_account_modal(server: RunningServer) -> None:
    answer = await server.slack.command("account add")

    assert answer.text == ""
    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == ADS_ACCOUNT_ADD
    assert view["title"]["text"] == "Add Ads Manager account"
    assert [block["block_id"] for block in view["blocks"]] == ["advertiser_id", "display_name"]
    assert json.loads(view["private_metadata"]) == {"channel_id": CHANNEL_ID}


async def test_a_good_account_is_stored_audited_and_confirmed(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_brand(session, workspace=await make_workspace(session))
    await server.slack.command("account add")
    (opened,) = await server.fake.wait_for("views.open")

    answer = await server.slack.view_submission(
        ADS_ACCOUNT_ADD, account_values(), private_metadata=opened.args["view"]["private_metadata"]
    )

    assert answer.text == ""
    (account,) = await rows(server.sessions, AdsAccount)
    assert (account.advertiser_id, account.display_name, account.created_by) == (
        "7123456789012345678",
        "GlowCo US",
        USER_ID,
    )
    (event,) = await ads_account_audit(server)
    assert (event.action, event.target_type, event.target_id) == (
        "ads_account.created",
        "ads_account",
        account.id,
    )
    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert (confirmation.args["channel"], confirmation.args["user"]) == (CHANNEL_ID, USER_ID)
    assert "GlowCo US" in confirmation.args["text"]
    assert "Next: /liteproject anchor add" in confirmation.args["text"]


async def test_the_first_account_before_any_brand_points_to_brand_add(server: RunningServer) -> None:
    await server.slack.view_submission(ADS_ACCOUNT_ADD, account_values(), private_metadata=METADATA)

    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert "Next: /liteproject brand add" in confirmation.args["text"]


async def test_bad_account_input_shows_an_error_on_each_field_and_stores_nothing(
    server: RunningServer,
) -> None:
    answer = await server.slack.view_submission(
        ADS_ACCOUNT_ADD,
        account_values(advertiser_id="act-7123", display_name="  "),
        private_metadata=METADATA,
    )

    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {"advertiser_id", "display_name"}
    assert "numbers only" in answer.json["errors"]["advertiser_id"]
    assert await rows(server.sessions, AdsAccount) == []
    assert await ads_account_audit(server) == []
    assert server.fake.of("chat.postEphemeral") == []


async def test_an_advertiser_id_already_added_is_refused_inline(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_ads_account(
            session,
            workspace=await make_workspace(session),
            advertiser_id="7123456789012345678",
            display_name="US",
        )

    answer = await server.slack.view_submission(ADS_ACCOUNT_ADD, account_values(), private_metadata=METADATA)

    assert answer.json == {
        "response_action": "errors",
        "errors": {"advertiser_id": "This advertiser ID is already added, as “US”."},
    }
    assert len(await rows(server.sessions, AdsAccount)) == 1


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


# --- helpers and payloads -----------------------------------------------------------------------


async def ads_account_audit(server: RunningServer) -> list[AuditEvent]:
    return await rows(server.sessions, AuditEvent, col(AuditEvent.target_type) == "ads_account")


def account_values(
    *, advertiser_id: str = "7123456789012345678", display_name: str = "GlowCo US"
) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "advertiser_id": {"advertiser_id": {"type": "plain_text_input", "value": advertiser_id}},
        "display_name": {"display_name": {"type": "plain_text_input", "value": display_name}},
    }


METADATA = json.dumps({"channel_id": CHANNEL_ID})
