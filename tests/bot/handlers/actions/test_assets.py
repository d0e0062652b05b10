"""The asset buttons: a brand's edit opens its modal prefilled; accounts and anchors are edited or
removed from their list."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot.blocks.assets import BRAND_EDIT, EDIT_BRAND
from storage.models import AdsAccount, Anchor, AuditEvent
from tests.bot.handlers.helpers import OTHER_TEAM
from tests.factories import make_brand, make_workspace
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID


def buttons(message: dict[str, Any], item_id: int) -> dict[str, dict[str, Any]]:
    for block in message["blocks"]:
        if block["type"] == "actions" and block["block_id"].endswith(f"_{item_id}"):
            return {element["text"]["text"]: element for element in block["elements"]}
    raise AssertionError(f"no buttons for {item_id}")


async def test_edit_opens_the_brand_modal_prefilled(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        brand = await make_brand(session, workspace=await make_workspace(session), name="GlowCo")

    answer = await server.slack.block_action(EDIT_BRAND, value=str(brand.id))

    assert answer.status == 200
    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == BRAND_EDIT
    assert view["title"]["text"] == "Edit brand profile"
    initial = {block["block_id"]: block["element"].get("initial_value") for block in view["blocks"]}
    assert initial == {
        "name": "GlowCo",
        "website": "https://www.glowco.com",
        "contact_email": "partners@glowco.com",
        "logo_url": None,
    }
    assert json.loads(view["private_metadata"]) == {"channel_id": CHANNEL_ID, "brand_id": brand.id}


async def test_the_edit_button_of_another_workspaces_brand_answers_not_found(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        theirs = await make_brand(
            session, workspace=await make_workspace(session, team_id=OTHER_TEAM), name="Theirs"
        )

    answer = await server.slack.block_action(EDIT_BRAND, value=str(theirs.id))

    assert answer.status == 200
    (said,) = await server.fake.wait_for("respond")
    assert "doesn't exist" in said.args["text"]
    assert server.fake.of("views.open") == []


async def test_accounts_list_each_with_edit_and_remove(
    server: RunningServer, spare_and_used: dict[str, Any]
) -> None:
    answer = await server.slack.command("accounts")

    found = buttons(answer.json, spare_and_used["spare_account"].id)
    assert set(found) == {"Edit", "Remove"}
    assert "confirm" in found["Remove"]


async def test_removing_an_unused_account_deletes_it_and_audits(
    server: RunningServer, spare_and_used: dict[str, Any]
) -> None:
    answer = await server.slack.command("accounts")
    remove = buttons(answer.json, spare_and_used["spare_account"].id)["Remove"]

    await server.slack.block_action(remove["action_id"], value=remove["value"])

    redrawn, told = await server.fake.wait_for("respond", 2)
    assert "Spare" not in redrawn.args["text"] and redrawn.args["replace_original"] is True
    assert "Removed the Ads Manager account “Spare”" in told.args["text"]
    async with server.sessions() as session:
        ids = [a.id for a in (await session.execute(select(AdsAccount))).scalars().all()]
        actions = [e.action for e in (await session.execute(select(AuditEvent))).scalars().all()]
    assert spare_and_used["spare_account"].id not in ids
    assert actions == ["ads_account.removed"]


async def test_removing_an_account_a_project_uses_is_refused_naming_it(
    server: RunningServer, spare_and_used: dict[str, Any]
) -> None:
    await server.slack.block_action("ads_account_remove", value=str(spare_and_used["used_account"]))

    (refused,) = await server.fake.wait_for("respond")
    assert "is used by the project “Summer glow”" in refused.args["text"]
    async with server.sessions() as session:
        assert await session.get(AdsAccount, spare_and_used["used_account"]) is not None


async def test_removing_an_anchor_a_project_promotes_is_refused_and_an_unused_one_goes(
    server: RunningServer, spare_and_used: dict[str, Any]
) -> None:
    await server.slack.block_action("anchor_remove", value=str(spare_and_used["used_anchor"]))
    await server.slack.block_action("anchor_remove", value=str(spare_and_used["spare_anchor"].id))

    told = await server.fake.wait_for("respond", 3)
    texts = json.dumps([call.args["text"] for call in told], ensure_ascii=False)
    assert "is the anchor of the project “Summer glow”" in texts
    assert "Removed the anchor “Old page”" in texts
    async with server.sessions() as session:
        left = [a.id for a in (await session.execute(select(Anchor))).scalars().all()]
    assert left == [spare_and_used["used_anchor"]]
