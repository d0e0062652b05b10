"""`/liteproject anchor add` and `anchors`, through the real server and the fake Slack."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col

from bot.blocks.assets import ANCHOR_ADD
from bot.services.assets import COUNTRY_CODES
from storage.models import Anchor, AnchorKind, AuditEvent
from tests.factories import make_ads_account, make_anchor, make_brand, make_workspace, rows
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID


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


async def test_a_good_anchor_is_stored_audited_and_confirmed(server: RunningServer) -> None:
    await server.slack.command("anchor add")
    (opened,) = await server.fake.wait_for("views.open")

    answer = await server.slack.view_submission(
        ANCHOR_ADD,
        anchor_values(
            kind="app_download", ios_url=IOS_URL, android_url=PLAY_URL, url="https://ignored.example"
        ),
        private_metadata=opened.args["view"]["private_metadata"],
    )

    assert answer.text == ""
    (anchor,) = await rows(server.sessions, Anchor)
    assert (anchor.kind, anchor.name, anchor.country) == (AnchorKind.APP_DOWNLOAD, "Serum launch", "US")
    assert (anchor.ios_url, anchor.android_url, anchor.url) == (IOS_URL, PLAY_URL, None)
    assert anchor.created_by == USER_ID
    (event,) = await anchor_audit(server)
    assert (event.action, event.target_id) == ("anchor.created", anchor.id)
    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert "Serum launch" in confirmation.args["text"]
    assert "Next: /liteproject brand add" in confirmation.args["text"]


async def test_the_last_missing_asset_points_to_create(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        await make_brand(session, workspace=workspace)
        await make_ads_account(session, workspace=workspace)

    await server.slack.view_submission(ANCHOR_ADD, anchor_values(), private_metadata=METADATA)

    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert "Next: /liteproject create" in confirmation.args["text"]


async def test_bad_anchor_input_shows_an_error_on_each_field_and_stores_nothing(
    server: RunningServer,
) -> None:
    values = anchor_values(kind=None, name="", country=None)

    answer = await server.slack.view_submission(ANCHOR_ADD, values, private_metadata=METADATA)

    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {"kind", "name", "country"}
    assert await rows(server.sessions, Anchor) == []
    assert await anchor_audit(server) == []
    assert server.fake.of("chat.postEphemeral") == []


async def test_the_link_a_kind_needs_is_reported_on_its_own_field(server: RunningServer) -> None:
    cases = [
        (anchor_values(kind="webpage", url=""), {"url"}),
        (anchor_values(kind="gaming", url="https://www.glowco.com"), {"ios_url", "android_url"}),
        (anchor_values(kind="app_download", ios_url=PLAY_URL), {"ios_url"}),
        (anchor_values(kind="tiktok_shop", product_id="SKU-42"), {"product_id"}),
    ]
    for values, fields in cases:
        answer = await server.slack.view_submission(ANCHOR_ADD, values, private_metadata=METADATA)

        assert answer.json["response_action"] == "errors"
        assert set(answer.json["errors"]) == fields
    assert await rows(server.sessions, Anchor) == []


async def test_a_forged_country_code_is_refused(server: RunningServer) -> None:
    answer = await server.slack.view_submission(
        ANCHOR_ADD, anchor_values(country="ZZ"), private_metadata=METADATA
    )

    assert list(answer.json["errors"]) == ["country"]


async def test_a_duplicate_anchor_name_is_refused_inline(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_anchor(session, workspace=await make_workspace(session), name="Serum launch")

    answer = await server.slack.view_submission(
        ANCHOR_ADD, anchor_values(name="SERUM LAUNCH"), private_metadata=METADATA
    )

    assert list(answer.json["errors"]) == ["name"]
    assert len(await rows(server.sessions, Anchor)) == 1


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


# --- helpers and payloads -----------------------------------------------------------------------


async def anchor_audit(server: RunningServer) -> list[AuditEvent]:
    return await rows(server.sessions, AuditEvent, col(AuditEvent.target_type) == "anchor")


def select_value(value: str | None) -> dict[str, Any]:
    option = {"value": value, "text": {"type": "plain_text", "text": value}} if value else None
    return {"type": "static_select", "selected_option": option}


def optional_text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value or None}


def anchor_values(
    *,
    kind: str | None = "webpage",
    name: str = "Serum launch",
    country: str | None = "US",
    url: str = "https://www.glowco.com/serum",
    ios_url: str = "",
    android_url: str = "",
    product_id: str = "",
) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "kind": {"kind": select_value(kind)},
        "name": {"name": optional_text(name)},
        "country": {"country": select_value(country)},
        "url": {"url": optional_text(url)},
        "ios_url": {"ios_url": optional_text(ios_url)},
        "android_url": {"android_url": optional_text(android_url)},
        "product_id": {"product_id": optional_text(product_id)},
    }


IOS_URL = "https://apps.apple.com/us/app/glowco/id1234567890"
PLAY_URL = "https://play.google.com/store/apps/details?id=com.glowco.app"
METADATA = json.dumps({"channel_id": CHANNEL_ID})
