"""`/liteproject brands|anchors|accounts` and `brand|anchor|account add`: the asset subcommands
(bot/handlers/commands/assets.py)."""

from __future__ import annotations

import json

from bot.blocks.assets import ADS_ACCOUNT_ADD, ANCHOR_ADD, BRAND_ADD, EDIT_BRAND
from bot.services.assets import COUNTRY_CODES
from storage.models import BrandProfile
from tests.bot.handlers.helpers import METADATA, OTHER_TEAM, account_values, anchor_values, brand_values
from tests.factories import make_ads_account, make_brand, make_workspace, rows
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID

# --- brands ------------------------------------------------------------------------------------


async def test_brand_add_opens_the_add_brand_profile_modal(server: RunningServer) -> None:
    answer = await server.slack.command("brand add")

    assert answer.status == 200
    assert answer.text == ""
    (opened,) = await server.fake.wait_for("views.open")
    assert opened.args["trigger_id"].endswith(".trigger")
    view = opened.args["view"]
    assert view["callback_id"] == BRAND_ADD
    assert view["title"]["text"] == "Add brand profile"
    assert [block["block_id"] for block in view["blocks"]] == ["name", "website", "contact_email", "logo_url"]
    assert [block.get("optional", False) for block in view["blocks"]] == [False, False, False, True]
    assert "expect in emails" in json.dumps(view["blocks"])
    assert json.loads(view["private_metadata"]) == {"channel_id": CHANNEL_ID}


async def test_brands_without_any_says_how_to_add_one(server: RunningServer) -> None:
    answer = await server.slack.command("brands")

    assert answer.json["response_type"] == "ephemeral"
    assert answer.json["text"] == "No brand profiles yet. `/liteproject brand add` adds one."


async def test_brands_lists_each_profile_with_an_edit_button(server: RunningServer) -> None:
    await server.slack.view_submission(BRAND_ADD, brand_values(), private_metadata=METADATA)
    await server.slack.view_submission(
        BRAND_ADD,
        brand_values(name="Lumen <Labs>", website="lumen.io", contact_email="hi@lumen.io", logo_url=""),
        private_metadata=METADATA,
    )
    glowco, lumen = await rows(server.sessions, BrandProfile)

    answer = await server.slack.command("brands")

    body = answer.json
    assert body["response_type"] == "ephemeral"
    assert "GlowCo" in body["text"] and "Lumen" in body["text"]
    buttons = [block["accessory"] for block in body["blocks"] if "accessory" in block]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (EDIT_BRAND, str(glowco.id)),
        (EDIT_BRAND, str(lumen.id)),
    ]
    shown = json.dumps(body["blocks"])
    assert "glowco.com" in shown and "partners@glowco.com" in shown
    assert "Lumen &lt;Labs&gt;" in shown


async def test_brands_shows_only_this_workspaces_profiles(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_brand(session, workspace=await make_workspace(session, team_id=OTHER_TEAM), name="Theirs")

    answer = await server.slack.command("brands")

    assert "Theirs" not in answer.text
    assert answer.json["text"].startswith("No brand profiles yet.")


async def test_brand_without_add_answers_with_its_usage(server: RunningServer) -> None:
    for text in ("brand", "brand remove GlowCo"):
        answer = await server.slack.command(text)

        assert answer.json["response_type"] == "ephemeral"
        assert "`/liteproject brand add` adds a brand profile" in answer.json["text"]
        assert "`/liteproject brands` lists them" in answer.json["text"]
    assert server.fake.of("views.open") == []


# --- anchors -----------------------------------------------------------------------------------


async def test_anchor_add_opens_the_add_anchor_modal_with_every_kind_and_link(server: RunningServer) -> None:
    answer = await server.slack.command("anchor add")

    assert answer.text == ""
    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == ANCHOR_ADD
    assert view["title"]["text"] == "Add anchor"
    blocks = {block["block_id"]: block for block in view["blocks"]}
    assert list(blocks) == ["kind", "name", "country", "url", "ios_url", "android_url", "product_id"]
    kinds = [(o["value"], o["text"]["text"]) for o in blocks["kind"]["element"]["options"]]
    assert kinds == [
        ("webpage", "Webpage"),
        ("app_download", "App download"),
        ("gaming", "Gaming"),
        ("tiktok_shop", "TikTok Shop product"),
    ]
    countries = [option["value"] for option in blocks["country"]["element"]["options"]]
    assert {"US", "GB", "DE", "JP", "BR"} <= set(countries) <= COUNTRY_CODES
    # the links are all optional; the hints say which kind needs which
    assert [
        blocks[key].get("optional", False) for key in ("url", "ios_url", "android_url", "product_id")
    ] == [True] * 4
    assert "Webpage anchors" in blocks["url"]["hint"]["text"]
    assert "App download and gaming anchors" in blocks["ios_url"]["hint"]["text"]
    assert "TikTok Shop" in blocks["product_id"]["hint"]["text"]
    assert json.loads(view["private_metadata"]) == {"channel_id": CHANNEL_ID}


async def test_anchors_without_any_says_how_to_add_one(server: RunningServer) -> None:
    answer = await server.slack.command("anchors")

    assert answer.json["response_type"] == "ephemeral"
    assert answer.json["text"] == "No anchors yet. `/liteproject anchor add` adds one."


async def test_anchors_lists_what_was_added(server: RunningServer) -> None:
    await server.slack.view_submission(ANCHOR_ADD, anchor_values(), private_metadata=METADATA)
    await server.slack.view_submission(
        ANCHOR_ADD,
        anchor_values(
            kind="tiktok_shop", name="Serum in the shop", country="GB", product_id="1729384756102938475"
        ),
        private_metadata=METADATA,
    )

    answer = await server.slack.command("anchors")

    body = answer.json
    assert body["response_type"] == "ephemeral"
    shown = json.dumps(body["blocks"])
    assert "Serum launch" in shown and "Webpage" in shown and "https://www.glowco.com/serum" in shown
    assert "Serum in the shop" in shown and "TikTok Shop product" in shown and "1729384756102938475" in shown
    assert "GB" in shown


async def test_anchor_without_add_answers_with_its_usage(server: RunningServer) -> None:
    answer = await server.slack.command("anchor list")

    assert "`/liteproject anchor add` adds an anchor" in answer.json["text"]
    assert server.fake.of("views.open") == []


# --- accounts ----------------------------------------------------------------------------------


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
