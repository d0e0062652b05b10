"""Videos in TikTok One projects: linking requests, deliveries (webhook and polling), spark codes."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from sqlmodel import select

from bot.blocks.videos import VIDEO_DETAILS
from bot.services.tiktok_one_sync import WEBHOOK_PATH, sign_webhook
from storage.models import Job, JobState, LiteProject, SparkCheck, Video, VideoStatus
from tests.bot.handlers.helpers import create_through_modal, paste, select_and_confirm, text_of
from tests.bot.tiktok_one.conftest import POLL_SECONDS, WEBHOOK_SECRET
from tests.bot.tiktok_one.helpers import connect_tiktok_one, eventually, synced_project
from tests.factories import make_assets, make_connection
from tests.harness.fake_slack import FakeSlack
from tests.harness.fake_tiktok_business import FakeTikTokBusiness
from tests.harness.fake_tiktok_one import FakeTikTokOne
from tests.harness.server import RunningServer, start_server
from tests.harness.slack_requests import CHANNEL_ID

VIDEO_A = "7301234567890123456"
VIDEO_B = "7301234567890123457"
DELIVERED = "7301234567890124444"
BUSINESS_TOKEN = "act.tiktok-business-0001"
ADVERTISER = "7123456789012345678"  # the project's Ads Manager account (make_assets)
CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="


async def connected_project(
    server: RunningServer, fake: FakeTikTokOne, assets: dict[str, int]
) -> LiteProject:
    await connect_tiktok_one(server, fake)
    await create_through_modal(server, assets)
    return await synced_project(server)


async def video(server: RunningServer, key: str) -> Video | None:
    async with server.sessions() as session:
        return (await session.execute(select(Video).where(Video.video_key == key))).scalars().one_or_none()


async def videos(server: RunningServer) -> list[Video]:
    async with server.sessions() as session:
        return list((await session.execute(select(Video))).scalars().all())


def delivered_alerts(server: RunningServer, tiktok_id: str) -> list[object]:
    """The channel's new-video alerts about this TikTok video (not the owner's DM)."""
    return [
        call
        for call in server.fake.of("chat.postMessage")
        if call.args.get("text", "").startswith("New video")
        and tiktok_id in call.args["text"]
        and call.args.get("channel") == CHANNEL_ID
    ]


async def test_add_videos_sends_linking_requests_whose_answers_flow_back(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    project = await connected_project(server, fake_tiktok_one, assets)
    pasted = "\n".join(
        [
            f"https://www.tiktok.com/@glow.maker/video/{VIDEO_A}",
            f"https://www.tiktok.com/@sun.daze/video/{VIDEO_B}",
        ]
    )
    select_view = (await paste(server, project, pasted)).json["view"]
    await select_and_confirm(server, select_view, [VIDEO_A])
    select_view = (await paste(server, project, f"https://www.tiktok.com/@sun.daze/video/{VIDEO_B}")).json[
        "view"
    ]
    await select_and_confirm(server, select_view, [VIDEO_B])

    async def both_sent() -> bool:
        return len(fake_tiktok_one.links) == 2

    await eventually(both_sent)
    campaign_id = str(project.tto_campaign_id)
    links = fake_tiktok_one.calls("tto/tcm/campaign/link/")
    assert {(c.body["campaign_id"], c.body["video_id"], c.body["action"]) for c in links} == {
        (campaign_id, VIDEO_A, "LINK"),
        (campaign_id, VIDEO_B, "LINK"),
    }

    async def in_review() -> bool:
        return all(v.tto_link_status == "IN_REVIEW" for v in await videos(server))

    await eventually(in_review)

    fake_tiktok_one.answer_link(campaign_id, VIDEO_A, "APPROVE")
    fake_tiktok_one.answer_link(campaign_id, VIDEO_B, "REJECTED")

    async def answered() -> bool:
        a, b = await video(server, VIDEO_A), await video(server, VIDEO_B)
        return bool(a and b and a.tto_link_status == "APPROVE" and b.tto_link_status == "REJECTED")

    await eventually(answered)
    a, b = await video(server, VIDEO_A), await video(server, VIDEO_B)
    assert a is not None and b is not None
    assert (a.status, b.status) == (VideoStatus.DELIVERED, VideoStatus.DECLINED)

    async def declined_told() -> bool:
        return any("declined" in text_of(c.args).lower() for c in server.fake.of("chat.postMessage"))

    await eventually(declined_told)
    # the approved video is in the campaign now: polling it must not make a second record or alert
    await eventually(lambda: _polled_twice(fake_tiktok_one))
    assert len([v for v in await videos(server) if v.video_key == VIDEO_A]) == 1
    await server.settle()
    assert len(delivered_alerts(server, VIDEO_A)) == 1


async def _polled_twice(fake: FakeTikTokOne) -> bool:
    return len(fake.calls("tto/tcm/campaign/link/status/")) >= 3


async def test_a_video_delivered_in_tiktok_one_reaches_slack_once_by_webhook_and_polling(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    project = await connected_project(server, fake_tiktok_one, assets)
    campaign_id = str(project.tto_campaign_id)
    fake_tiktok_one.deliver(campaign_id, DELIVERED)
    body = {
        "entity": "TCM_VIDEOS",
        "tto_tcm_account_id": "tcm-account-1",
        "campaign_id": campaign_id,
        "video_ids": [DELIVERED],
    }
    raw = json.dumps(body).encode()
    url = f"{server.url}{WEBHOOK_PATH}"

    # a forged or stale signature is refused and stores nothing
    assert await fake_tiktok_one.call_webhook(url, body, signature=None) == 401
    assert (
        await fake_tiktok_one.call_webhook(
            url, body, signature=sign_webhook("wrong-secret-000000", raw, now=time.time())
        )
        == 401
    )
    stale = sign_webhook(WEBHOOK_SECRET, raw, now=time.time() - 3600)
    assert await fake_tiktok_one.call_webhook(url, body, signature=stale) == 401
    assert await video(server, DELIVERED) is None

    signature = sign_webhook(WEBHOOK_SECRET, raw, now=time.time())
    assert await fake_tiktok_one.call_webhook(url, body, signature=signature) == 200
    assert await fake_tiktok_one.call_webhook(url, body, signature=signature) == 200  # TikTok retries

    stored = await video(server, DELIVERED)
    assert stored is not None and stored.status is VideoStatus.DELIVERED

    async def alerted() -> bool:
        return bool(delivered_alerts(server, DELIVERED))

    await eventually(alerted)
    # the poll sees the same video in the campaign: still one record, one alert
    polls = len(fake_tiktok_one.calls("tto/tcm/campaign/"))
    await eventually(lambda: _more_polls(fake_tiktok_one, polls + 1))
    await server.settle()
    assert [v.video_key for v in await videos(server)] == [DELIVERED]
    assert len(delivered_alerts(server, DELIVERED)) == 1


async def _more_polls(fake: FakeTikTokOne, count: int) -> bool:
    return len(fake.calls("tto/tcm/campaign/")) >= count


async def test_polling_alone_brings_a_delivered_video_and_its_spark_code_without_pasting(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    project = await connected_project(server, fake_tiktok_one, assets)
    fake_tiktok_one.deliver(str(project.tto_campaign_id), DELIVERED)

    await eventually(lambda: video(server, DELIVERED))
    await eventually(lambda: _alerted(server, DELIVERED))
    assert "from a creator in TikTok One" in text_of(delivered_alerts(server, DELIVERED)[0].args)  # type: ignore[attr-defined]

    # the authorization is asked for with the project's period, then read back
    async def applied() -> bool:
        return DELIVERED in fake_tiktok_one.authorizations

    await eventually(applied)
    [apply] = fake_tiktok_one.calls("tcm/tt_video/apply/")
    assert apply.body == {"video_id": DELIVERED, "tcm_account_id": "tcm-account-1", "authorization_days": 30}
    fake_tiktok_one.creator_authorizes(DELIVERED, auth_code=CODE, end="2027-11-25 00:00:00")

    async def authorized() -> Video | None:
        found = await video(server, DELIVERED)
        return found if found is not None and found.spark_code else None

    done = await eventually(authorized)
    assert done.status is VideoStatus.AUTHORIZED and done.spark_code == CODE
    assert done.tto_auth_status == "ACCEPTED"
    assert done.tto_auth_ends_at == dt.datetime(2027, 11, 25, tzinfo=dt.UTC)

    await server.slack.block_action(VIDEO_DETAILS, value=str(done.id))
    details = (await server.fake.wait_for("views.open", 2))[-1]
    assert f"```{CODE}```" in json.dumps(details.args["view"])


async def test_a_spark_code_from_tiktok_one_is_verified_with_tiktok_for_business(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    project = await connected_project(server, fake_tiktok_one, assets)
    fake_tiktok_one.business.add_token(BUSINESS_TOKEN, [ADVERTISER])
    async with server.sessions.begin() as session:
        await make_connection(
            session,
            settings=server.settings,
            workspace_id=project.workspace_id,
            access_token=BUSINESS_TOKEN,
            account_ids=[ADVERTISER],
        )
    ends = dt.datetime(2027, 12, 1, tzinfo=dt.UTC)
    fake_tiktok_one.business.add_spark_code(
        CODE, DELIVERED, auth_end_time=ends.strftime("%Y-%m-%d %H:%M:%S"), ad_auth_status="AUTHORIZED"
    )
    fake_tiktok_one.deliver(str(project.tto_campaign_id), DELIVERED)

    async def applied() -> bool:
        return DELIVERED in fake_tiktok_one.authorizations

    await eventually(applied)
    fake_tiktok_one.creator_authorizes(DELIVERED, auth_code=CODE, end="2027-11-25 00:00:00")

    async def verified() -> Video | None:
        found = await video(server, DELIVERED)
        return found if found is not None and found.spark_check is SparkCheck.VERIFIED else None

    done = await eventually(verified)
    # TikTok for Business's end date is the one kept, and it was asked about this very code
    assert done.spark_ends_at == ends and done.spark_auth_status == "AUTHORIZED"
    [asked] = fake_tiktok_one.business.calls_to("tt_video/info/")
    assert asked.query == {"advertiser_id": ADVERTISER, "auth_code": CODE}


async def test_a_spark_code_from_tiktok_one_is_not_checked_without_tiktok_for_business(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    project = await connected_project(server, fake_tiktok_one, assets)
    fake_tiktok_one.deliver(str(project.tto_campaign_id), DELIVERED)

    async def applied() -> bool:
        return DELIVERED in fake_tiktok_one.authorizations

    await eventually(applied)
    fake_tiktok_one.creator_authorizes(DELIVERED, auth_code=CODE, end="2027-11-25 00:00:00")

    async def authorized() -> Video | None:
        found = await video(server, DELIVERED)
        return found if found is not None and found.spark_code else None

    done = await eventually(authorized)
    assert done.spark_check is SparkCheck.UNCHECKED
    async with server.sessions() as session:
        kinds = (await session.execute(select(Job.kind))).scalars().all()
    assert "spark_code_check" not in kinds
    assert not fake_tiktok_one.business.calls_to("tt_video/info/")


async def _alerted(server: RunningServer, tiktok_id: str) -> bool:
    return bool(delivered_alerts(server, tiktok_id))


@pytest.mark.backends("postgres")  # replicas share PostgreSQL; SQLite is the one-process default
async def test_two_replicas_make_one_campaign_and_alert_each_delivery_once(
    fake_slack: FakeSlack,
    fake_tiktok_business: FakeTikTokBusiness,
    fake_tiktok_one: FakeTikTokOne,
    database_url: str,
) -> None:
    settings = {**fake_tiktok_business.app_settings(), "tiktok_one_poll_seconds": POLL_SECONDS}
    first = await start_server(fake_slack, database_url, **settings)
    second = await start_server(fake_slack, database_url, **settings)
    try:
        assets_ = await make_assets(first.sessions)
        project = await connected_project(first, fake_tiktok_one, assets_)
        fake_tiktok_one.deliver(str(project.tto_campaign_id), DELIVERED)
        await eventually(lambda: _alerted(first, DELIVERED))
        polls = len(fake_tiktok_one.calls("tto/tcm/campaign/"))
        await eventually(lambda: _more_polls(fake_tiktok_one, polls + 2))
        await first.settle()
        await second.settle()
    finally:
        await first.stop()
        await second.stop()

    assert len(fake_tiktok_one.campaigns) == 1
    assert len(fake_tiktok_one.calls("tto/tcm/campaign/create/")) == 1
    assert len(delivered_alerts(first, DELIVERED)) == 1


async def test_an_archived_project_is_no_longer_polled_and_a_restored_one_is_again(
    server: RunningServer, fake_tiktok_one: FakeTikTokOne, assets: dict[str, int]
) -> None:
    project = await connected_project(server, fake_tiktok_one, assets)

    async def no_poll_pending() -> bool:
        async with server.sessions() as session:
            query = select(Job).where(Job.kind == "tto_campaign_poll", Job.state == JobState.PENDING)
            return (await session.execute(query)).first() is None

    await server.slack.block_action("project_archive", value=str(project.id))
    await server.fake.wait_for("respond")
    await eventually(no_poll_pending)  # the pending poll ran once more and queued no next one
    fake_tiktok_one.deliver(str(project.tto_campaign_id), DELIVERED)
    assert await no_poll_pending()
    assert await video(server, DELIVERED) is None

    await server.slack.block_action("project_restore", value=str(project.id))
    await eventually(lambda: video(server, DELIVERED))
