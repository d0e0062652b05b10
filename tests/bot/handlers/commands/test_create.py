"""`/liteproject create`: the create modal has every field, or says which assets to add first."""

from __future__ import annotations

from tests.bot.handlers.helpers import text_of
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID


async def test_create_modal_has_every_field_and_defaults_the_channel(
    server: RunningServer, assets: dict[str, int]
) -> None:
    await server.slack.command("create")

    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    block_ids = [block.get("block_id") for block in view["blocks"]]
    assert block_ids == [
        "link_name",
        "brand",
        "authorization_days",
        "anchor",
        "ads_accounts",
        "description",
        "deliverable",
        "requirements",
        "deadline",
        "contact",
        "channel",
        "creator_language",
    ]
    channel = next(block for block in view["blocks"] if block["block_id"] == "channel")
    assert channel["element"]["initial_conversation"] == CHANNEL_ID
    periods = next(block for block in view["blocks"] if block["block_id"] == "authorization_days")
    assert [option["value"] for option in periods["element"]["options"]] == ["7", "30", "60", "365"]
    assert "Can't be changed after the project is created" in periods["hint"]["text"]


async def test_create_modal_without_assets_says_what_to_add_first(server: RunningServer) -> None:
    await server.slack.command("create")

    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert "submit" not in view
    text = text_of(view["blocks"])
    assert (
        "/liteproject brand add" in text
        and "/liteproject anchor add" in text
        and "/liteproject account add" in text
    )
