"""A new team's first minutes: Slack lands the installer on App Home before anything else exists."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.blocks.assets import ADS_ACCOUNT_ADD, ANCHOR_ADD, BRAND_ADD
from storage.models import AdsAccount, Anchor, BrandProfile, LiteProject
from tests.bot.handlers.helpers import account_values, anchor_values, brand_values, create_values
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID

METADATA = json.dumps({"channel_id": CHANNEL_ID})


async def test_app_home_first_then_assets_and_a_project_all_save(server: RunningServer) -> None:
    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})
    await server.fake.wait_for("views.publish")

    brand = await server.slack.view_submission(BRAND_ADD, brand_values(), private_metadata=METADATA)
    account = await server.slack.view_submission(ADS_ACCOUNT_ADD, account_values(), private_metadata=METADATA)
    anchor = await server.slack.view_submission(ANCHOR_ADD, anchor_values(), private_metadata=METADATA)

    assert (brand.status, brand.text) == (200, "")
    assert (account.status, account.text) == (200, "")
    assert (anchor.status, anchor.text) == (200, "")
    async with server.sessions() as session:
        ids = {
            "brand": (await session.execute(select(BrandProfile.id))).scalar_one(),
            "account": (await session.execute(select(AdsAccount.id))).scalar_one(),
            "anchor": (await session.execute(select(Anchor.id))).scalar_one(),
        }
    created = await server.slack.view_submission("project_create", create_values(ids))
    assert created.json["response_action"] == "update"
    async with server.sessions() as session:
        (project,) = (await session.execute(select(LiteProject))).scalars().all()

    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})
    publishes = await server.fake.wait_for("views.publish", count=2)
    assert project.link_name in json.dumps(publishes[-1].args["view"])
