"""`/liteproject anchor add` and `/liteproject anchors`: the anchor modal opens with every kind, the
list shows what was added."""

from __future__ import annotations

import json

from bot.blocks.assets import ANCHOR_ADD
from bot.services.assets import COUNTRY_CODES
from tests.bot.handlers.helpers import METADATA, anchor_values
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID


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
