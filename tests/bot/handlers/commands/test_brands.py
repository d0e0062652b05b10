"""`/liteproject brand add` and `/liteproject brands`: the brand profile modal opens, the list shows
this workspace's profiles."""

from __future__ import annotations

import json

from bot.blocks.assets import BRAND_ADD, EDIT_BRAND
from storage.models import BrandProfile
from tests.bot.handlers.helpers import METADATA, OTHER_TEAM, brand_values
from tests.factories import make_brand, make_workspace, rows
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID


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
