"""Lite projects made and edited in TikTok One, through the real server, fake Slack and fake TikTok One."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.services import tiktok_one_sync
from storage.models import Job, JobState, LiteProject
from tests.bot.handlers.helpers import create_through_modal, manage_values, text_of
from tests.bot.tiktok_one.helpers import connect_tiktok_one, eventually, synced_project, the_project
from tests.factories import make_assets, rows
from tests.harness.fake_slack import FakeSlack
from tests.harness.fake_tiktok_business import FakeTikTokBusiness
from tests.harness.fake_tiktok_one import FakeTikTokOne
from tests.harness.server import RunningServer, start_server


async def test_create_makes_the_brand_link_campaign_and_the_card_shows_its_invite_link(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    await connect_tiktok_one(server, fake_tiktok_one)
    # the brand is TikTok One's own profile of that name
    fake_tiktok_one.brand_profiles = [
        {"brand_profile_id": "bp-other", "brand_name": "Other brand"},
        {"brand_profile_id": "bp-glowco", "brand_name": "GLOWCO"},
    ]

    answer = await create_through_modal(server, assets)

    assert answer.status == 200
    # the card is posted at once, saying it is syncing: the TikTok call never runs on the ack
    await server.settle()
    (card,) = server.fake.of("chat.postMessage")
    assert "Syncing with TikTok One" in text_of(card.args["blocks"])
    project = await synced_project(server)
    [campaign] = fake_tiktok_one.campaigns.values()
    assert project.tto_campaign_id == campaign.campaign_id
    assert project.tto_invite_link == campaign.invite_link
    assert (campaign.campaign_name, campaign.days, campaign.account_id) == (
        "Summer glow",
        30,
        "tcm-account-1",
    )
    [create] = fake_tiktok_one.calls("tto/tcm/campaign/create/")
    assert create.body["campaign_type"] == "BRAND_LINK"
    assert create.body["brand_profile_id"] == "bp-glowco" and "brand_name" not in create.body
    assert create.body["advertiser_ids"] == ["7123456789012345678"]
    assert create.body["campaign_description"] == "Vitamin C serum for sensitive skin"
    update = (await server.fake.wait_for("chat.update"))[-1]
    assert campaign.invite_link in update.args["text"]
    assert f"/i/{project.invite_token}" not in update.args["text"]

    # Copy invite link hands out TikTok One's link
    await server.slack.block_action("project_copy_link", value=str(project.id))
    (copied,) = await server.fake.wait_for("respond")
    assert campaign.invite_link in copied.args["text"]


async def test_an_unconnected_workspace_makes_nothing_in_tiktok_one(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    await create_through_modal(server, assets)
    await server.settle()

    project = await the_project(server)
    assert project.tto_account_id is None and project.tto_invite_link is None
    assert f"/i/{project.invite_token}" in server.fake.of("chat.postMessage")[0].args["text"]
    assert fake_tiktok_one.campaigns == {}
    assert await rows(server.sessions, Job) == []


async def test_edit_details_updates_the_campaign_and_pause_says_where_the_switch_is(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    await connect_tiktok_one(server, fake_tiktok_one)
    await create_through_modal(server, assets)
    project = await synced_project(server)

    await server.slack.command("edit summer glow")
    opened = (await server.fake.wait_for("views.open", 2))[1]
    await server.slack.view_submission(
        "project_manage",
        manage_values(
            link_name="Summer glow 2026", description="New positioning", accounts=[assets["account"]]
        ),
        private_metadata=opened.args["view"]["private_metadata"],
    )

    campaign = fake_tiktok_one.campaigns[str(project.tto_campaign_id)]

    async def renamed() -> bool:
        return campaign.campaign_name == "Summer glow 2026"

    await eventually(renamed)
    assert campaign.description == "New positioning"
    [update] = fake_tiktok_one.calls("tto/tcm/campaign/update/")
    frozen = {"brand_profile_id", "anchor_id", "default_spark_ads_requested_authorization_days"}
    assert not frozen & set(update.body)

    await server.slack.command("pause summer glow 2026")
    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["text"].startswith("Paused “Summer glow 2026”")
    assert "switch it in TikTok One too" in answer.args["text"]
    notices = await server.fake.wait_for("chat.postMessage", 3)
    assert "switch it in <" in text_of(notices[-1].args["blocks"])
    assert (await the_project(server)).active is False  # the app's own state is kept


async def test_a_create_tiktok_keeps_refusing_is_parked_with_its_reason(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    await connect_tiktok_one(server, fake_tiktok_one)
    fake_tiktok_one.business.fail_next(40002, "brand_name is not a brand profile of this account")

    await create_through_modal(server, assets)

    async def parked() -> Job | None:
        jobs = await rows(server.sessions, Job)
        return next((job for job in jobs if job.state is JobState.FAILED), None)

    job = await eventually(parked)
    assert job.kind == "tto_campaign_create"
    assert "brand_name is not a brand profile" in (job.last_error or "")
    project = await the_project(server)
    assert "brand_name is not a brand profile" in (project.tto_sync_error or "")

    async def card_says_why() -> bool:
        # the card may be posted after the job was parked already, or edited once it was
        cards = server.fake.of("chat.postMessage") + server.fake.of("chat.update")
        return any("Not made in TikTok One yet" in text_of(m.args.get("blocks")) for m in cards)

    await eventually(card_says_why)
    await server.slack.command("status")
    (status,) = await server.fake.wait_for("respond")
    assert "brand_name is not a brand profile" in text_of(status.args)


async def test_a_create_that_timed_out_is_found_not_made_again_after_a_restart(
    fake_slack: FakeSlack,
    fake_tiktok_business: FakeTikTokBusiness,
    fake_tiktok_one: FakeTikTokOne,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tiktok_one_sync, "CALL_TIMEOUT_SECONDS", 0.3)
    settings = fake_tiktok_business.app_settings()
    first = await start_server(fake_slack, database_url, **settings)
    try:
        assets_ = await make_assets(first.sessions)
        await connect_tiktok_one(first, fake_tiktok_one)
        fake_tiktok_one.create_times_out_once(1.0)  # TikTok makes it, but answers too late
        await create_through_modal(first, assets_)

        async def sent() -> bool:
            return bool(fake_tiktok_one.calls("tto/tcm/campaign/create/"))

        await eventually(sent)
    finally:
        await first.stop()  # the process goes away with the answer unheard

    second = await start_server(fake_slack, database_url, **settings)
    try:
        project = await synced_project(second)
    finally:
        await second.stop()

    assert len(fake_tiktok_one.campaigns) == 1
    [campaign] = fake_tiktok_one.campaigns.values()
    assert project.tto_campaign_id == campaign.campaign_id
    assert len(fake_tiktok_one.calls("tto/tcm/campaign/create/")) == 1
    assert fake_tiktok_one.calls("tto/tcm/campaign/")  # it looked before making it again
    async with second.sessions() as session:
        assert len((await session.execute(select(LiteProject))).scalars().all()) == 1


async def test_an_existing_tiktok_one_lite_project_is_adopted_from_a_list(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    await create_through_modal(server, assets)  # made before the workspace connected
    await server.settle()
    await connect_tiktok_one(server, fake_tiktok_one)
    existing = fake_tiktok_one.add_campaign("Summer glow (TikTok One)")
    fake_tiktok_one.add_campaign("Made in another account", account_id="tcm-account-2")

    await server.slack.command("adopt summer glow")
    (answer,) = await server.fake.wait_for("respond")
    assert "Looking up the lite projects" in answer.args["text"]

    async def choices_sent() -> list[object]:
        return [
            c for c in server.fake.of("chat.postMessage") if "Which TikTok One lite project" in c.args["text"]
        ]

    [dm] = await eventually(choices_sent)
    options = [
        option
        for block in dm.args["blocks"]  # type: ignore[attr-defined]
        for element in block.get("elements", [])
        for option in element.get("options", [])
    ]
    assert [o["value"].split(":")[1] for o in options] == [existing.campaign_id]  # only this account's

    await server.slack.block_action(
        "tiktok_one_adopt_pick", selected_option={"text": options[0]["text"], "value": options[0]["value"]}
    )
    project = await synced_project(server)
    assert project.tto_campaign_id == existing.campaign_id
    assert project.tto_invite_link == existing.invite_link
    assert fake_tiktok_one.calls("tto/tcm/campaign/create/") == []  # adopted, not made again

    async def card_has_link() -> bool:
        return any(existing.invite_link in c.args["text"] for c in server.fake.of("chat.update"))

    await eventually(card_has_link)

    # a second adoption of the same project is refused in words
    await server.slack.command("adopt summer glow")
    again = (await server.fake.wait_for("respond", 3))[-1]
    assert "already a TikTok One lite project" in text_of(again.args)
