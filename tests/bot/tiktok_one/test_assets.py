"""Brand profiles and anchors shared with TikTok One: mirrored on connect, made there on `brand add` /
`anchor add`, and sent by id with a campaign create; through the real server and the fakes."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.blocks.assets import ANCHOR_ADD, BRAND_ADD
from bot.blocks.connections import PICK_TIKTOK_ONE_ACCOUNT
from storage.models import Anchor, BrandProfile, Job
from tests.bot.handlers.helpers import anchor_values, brand_values, create_through_modal
from tests.bot.tiktok_one.helpers import connect_tiktok_one, eventually, synced_project
from tests.bot.tiktok_one.test_connect import connect_tiktok_one as connect_through_oauth
from tests.factories import rows
from tests.harness.fake_tiktok_one import FakeTikTokOne
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID

METADATA = json.dumps({"channel_id": CHANNEL_ID})


async def test_connecting_mirrors_tiktok_ones_brand_profiles_and_anchors_and_create_sends_their_ids(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    fake_tiktok_one.brand_profiles = [
        {"brand_profile_id": "bp-glowco", "brand_name": "GLOWCO"},
        {"brand_profile_id": "bp-fresh", "brand_name": "FreshCo", "brand_website": "https://www.freshco.com"},
    ]
    fake_tiktok_one.anchors = [{"anchor_id": "anchor-serum", "anchor_name": "Serum page"}]

    await connect_through_oauth(server, fake_tiktok_one, count=1)

    async def mirrored() -> list[BrandProfile] | None:
        found = await rows(server.sessions, BrandProfile)
        return found if len(found) == 2 and all(b.tto_brand_profile_id for b in found) else None

    glowco, fresh = await eventually(mirrored)
    assert (glowco.name, glowco.tto_brand_profile_id) == ("GlowCo", "bp-glowco")  # the local one, tied
    assert (fresh.name, fresh.domain, fresh.tto_brand_profile_id) == ("FreshCo", "freshco.com", "bp-fresh")
    [anchor] = await rows(server.sessions, Anchor)
    assert anchor.tto_anchor_id == "anchor-serum"

    # `brands` says which are in TikTok One, and what a mirrored one still lacks
    shown = json.dumps((await server.slack.command("brands")).json)
    assert "in TikTok One" in shown and "no contact email yet: Edit to add one" in shown

    # the create modal offers TikTok One's profile, and a campaign create sends the ids
    await server.slack.command("create")
    (opened,) = await server.fake.wait_for("views.open")
    assert "FreshCo" in json.dumps(opened.args["view"])
    server.fake.calls.clear()
    await create_through_modal(server, {**assets, "brand": fresh.id})  # type: ignore[dict-item]
    await synced_project(server)
    [create] = fake_tiktok_one.calls("tto/tcm/campaign/create/")
    assert create.body["brand_profile_id"] == "bp-fresh" and "brand_name" not in create.body
    assert create.body["anchor_id"] == "anchor-serum"


async def test_brand_add_and_anchor_add_in_a_connected_workspace_make_them_in_tiktok_one(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    await connect_tiktok_one(server, fake_tiktok_one)

    brand_answer = await server.slack.view_submission(
        BRAND_ADD,
        brand_values(name="FreshCo", website="https://www.freshco.com", contact_email="hi@freshco.com"),
        private_metadata=METADATA,
    )
    anchor_answer = await server.slack.view_submission(
        ANCHOR_ADD, anchor_values(name="Serum launch"), private_metadata=METADATA
    )

    assert brand_answer.text == "" and anchor_answer.text == ""

    async def brand_made() -> BrandProfile | None:
        found = [b for b in await rows(server.sessions, BrandProfile) if b.name == "FreshCo"]
        return found[0] if found and found[0].tto_brand_profile_id else None

    brand = await eventually(brand_made)
    [profile] = fake_tiktok_one.brand_profiles
    assert profile["brand_name"] == "FreshCo" and brand.tto_brand_profile_id == profile["brand_profile_id"]
    [made] = fake_tiktok_one.calls("tto/tcm/brand/profile/create/")
    assert made.body["brand_website"] == "https://www.freshco.com"

    async def anchor_made() -> Anchor | None:
        found = [a for a in await rows(server.sessions, Anchor) if a.name == "Serum launch"]
        return found[0] if found and found[0].tto_anchor_id else None

    anchor = await eventually(anchor_made)
    [remote] = fake_tiktok_one.anchors
    assert anchor.tto_anchor_id == remote["anchor_id"]
    assert remote["anchor_type"] == "WEB_ANCHOR" and remote["country_code"] == "US"
    assert remote["call_to_action"] == {"landing_page_url": "https://www.glowco.com/serum"}


async def test_a_brand_tiktok_one_already_has_is_taken_not_made_again(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    await connect_tiktok_one(server, fake_tiktok_one)
    fake_tiktok_one.brand_profiles = [{"brand_profile_id": "bp-fresh", "brand_name": "freshco"}]

    await server.slack.view_submission(
        BRAND_ADD,
        brand_values(name="FreshCo", website="https://www.freshco.com", contact_email="hi@freshco.com"),
        private_metadata=METADATA,
    )

    async def tied() -> BrandProfile | None:
        found = [b for b in await rows(server.sessions, BrandProfile) if b.name == "FreshCo"]
        return found[0] if found and found[0].tto_brand_profile_id else None

    assert (await eventually(tied)).tto_brand_profile_id == "bp-fresh"
    assert not fake_tiktok_one.calls("tto/tcm/brand/profile/create/")
    assert len(fake_tiktok_one.brand_profiles) == 1


async def test_an_unconnected_workspace_keeps_its_assets_to_itself(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    answer = await server.slack.view_submission(
        BRAND_ADD,
        brand_values(name="FreshCo", website="https://www.freshco.com", contact_email="hi@freshco.com"),
        private_metadata=METADATA,
    )

    assert answer.text == ""
    assert [b.name for b in await rows(server.sessions, BrandProfile)] == ["GlowCo", "FreshCo"]
    async with server.sessions() as session:
        kinds = (await session.execute(select(Job.kind))).scalars().all()
    assert not [kind for kind in kinds if kind.startswith("tto_")]
    assert not [call for call in fake_tiktok_one.business.calls if call.path.startswith("tto/")]


async def test_an_account_that_may_not_list_anchors_still_gets_its_brand_profiles(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    fake_tiktok_one.brand_profiles = [{"brand_profile_id": "bp-glowco", "brand_name": "GlowCo"}]
    fake_tiktok_one.anchor_listing_refused = True

    await connect_through_oauth(server, fake_tiktok_one, count=1)

    async def mirrored() -> BrandProfile | None:
        [brand] = await rows(server.sessions, BrandProfile)
        return brand if brand.tto_brand_profile_id else None

    assert (await eventually(mirrored)).tto_brand_profile_id == "bp-glowco"
    [anchor] = await rows(server.sessions, Anchor)
    assert anchor.tto_anchor_id is None


async def test_picking_another_account_mirrors_that_accounts_ids_instead(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    fake_tiktok_one.brand_profiles = [{"brand_profile_id": "bp-glowco-1", "brand_name": "GlowCo"}]
    await connect_through_oauth(server, fake_tiktok_one, count=1)

    async def tied_to(profile_id: str) -> BrandProfile | None:
        [brand] = await rows(server.sessions, BrandProfile)
        return brand if brand.tto_brand_profile_id == profile_id else None

    await eventually(lambda: tied_to("bp-glowco-1"))
    fake_tiktok_one.brand_profiles = [{"brand_profile_id": "bp-glowco-2", "brand_name": "GlowCo"}]

    await server.slack.block_action(
        PICK_TIKTOK_ONE_ACCOUNT,
        selected_option={"text": {"type": "plain_text", "text": "tcm-account-2"}, "value": "tcm-account-2"},
        view={"id": "V0HOME", "type": "home"},
    )

    await eventually(lambda: tied_to("bp-glowco-2"))
    asked = fake_tiktok_one.calls("tto/tcm/brand/profile/get/")[-1]
    assert asked.query["tto_tcm_account_id"] == "tcm-account-2"
