"""Ads Manager accounts and anchors: Edit and Remove from their lists, refused while a project uses one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from bot.blocks.assets import ADS_ACCOUNT_EDIT, ANCHOR_EDIT
from storage import projects as project_queries
from storage.models import AdsAccount, Anchor, AuditEvent
from tests.bot.handlers.test_anchors import anchor_values
from tests.factories import make_ads_account, make_anchor, make_project, make_workspace
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID


@pytest.fixture
async def spare_and_used(server: RunningServer) -> dict[str, Any]:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        spare_account = await make_ads_account(session, workspace=workspace, display_name="Spare")
        spare_anchor = await make_anchor(session, workspace=workspace, name="Old page")
        project = await make_project(session, workspace=workspace, link_name="Summer glow")
        used_accounts = await project_queries.project_ads_account_ids(session, project_id=project.id)  # type: ignore[arg-type]
    return {
        "spare_account": spare_account,
        "spare_anchor": spare_anchor,
        "used_account": used_accounts[0],
        "used_anchor": project.anchor_id,
    }


def buttons(message: dict[str, Any], item_id: int) -> dict[str, dict[str, Any]]:
    for block in message["blocks"]:
        if block["type"] == "actions" and block["block_id"].endswith(f"_{item_id}"):
            return {element["text"]["text"]: element for element in block["elements"]}
    raise AssertionError(f"no buttons for {item_id}")


async def test_accounts_list_each_with_edit_and_remove(server: RunningServer, spare_and_used: dict[str, Any]) -> None:
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


async def test_editing_an_account_renames_it_and_keeps_its_advertiser_id(
    server: RunningServer, spare_and_used: dict[str, Any]
) -> None:
    account = spare_and_used["spare_account"]
    await server.slack.block_action("ads_account_edit_open", value=str(account.id))
    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == ADS_ACCOUNT_EDIT
    assert [block.get("block_id") for block in view["blocks"] if block["type"] == "input"] == ["display_name"]

    answer = await server.slack.view_submission(
        ADS_ACCOUNT_EDIT,
        {"display_name": {"display_name": {"type": "plain_text_input", "value": "GlowCo EU"}}},
        private_metadata=view["private_metadata"],
    )

    assert answer.text == ""
    async with server.sessions() as session:
        renamed = await session.get(AdsAccount, account.id)
    assert renamed is not None
    assert (renamed.display_name, renamed.advertiser_id) == ("GlowCo EU", account.advertiser_id)
    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert "Saved TikTok Ads Manager account" in confirmation.args["text"]


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


async def test_editing_an_anchor_checks_it_like_adding_and_saves_it(
    server: RunningServer, spare_and_used: dict[str, Any]
) -> None:
    anchor = spare_and_used["spare_anchor"]
    await server.slack.block_action("anchor_edit_open", value=str(anchor.id))
    (opened,) = await server.fake.wait_for("views.open")
    metadata = opened.args["view"]["private_metadata"]
    assert opened.args["view"]["callback_id"] == ANCHOR_EDIT

    bad = await server.slack.view_submission(
        ANCHOR_EDIT, anchor_values(url="not a url"), private_metadata=metadata
    )
    good = await server.slack.view_submission(
        ANCHOR_EDIT, anchor_values(name="New page"), private_metadata=metadata
    )

    assert bad.json["response_action"] == "errors" and "url" in bad.json["errors"]
    assert good.text == ""
    async with server.sessions() as session:
        saved = await session.get(Anchor, anchor.id)
    assert saved is not None and saved.name == "New page"
    assert json.loads(metadata)["channel_id"] == CHANNEL_ID
