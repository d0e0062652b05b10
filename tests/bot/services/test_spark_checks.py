"""Spark codes checked with TikTok API for Business, end to end: the real server, the fake Slack,
the fake Business API. A creator delivers through the invite page; the `spark_code_check` job asks
`tt_video/info/`; the alert, View details, the list and the CSV show what TikTok said. Every test
runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.app import JOBS_KEY
from bot.blocks.videos import VIDEO_ADD_TO_ADS, VIDEO_ASK_NEW_CODE, VIDEO_DETAILS, VIDEO_LIST_ADD_ALL
from bot.services import reminders, tiktok_oauth
from bot.services.videos import CODE_PROBLEMS, export_row
from storage import projects as project_queries
from storage import videos as video_queries
from storage.models import (
    AdsAccount,
    AdsPlacement,
    AuditEvent,
    Job,
    JobState,
    LiteProject,
    OutboxMessage,
    ProjectAdsAccount,
    SparkCheck,
    TikTokConnection,
    TikTokConnectionKind,
    TikTokConnectionStatus,
    Video,
    VideoAdsAccount,
    VideoStatus,
    utcnow,
)
from tests.bot.portal.test_linking import CODE_A, CODE_B, VIDEO_A, VIDEO_B, new_request, post
from tests.bot.portal.test_routes import stored_videos, submit
from tests.bot.services.test_video_lookups import wait_until
from tests.factories import (
    a_spark_code,
    held_by_a_dead_replica,
    make_ads_account,
    make_connection,
    make_project,
    make_workspace,
    rows,
)
from tests.harness.fake_slack import FakeSlack
from tests.harness.fake_tiktok_business import FakeTikTokBusiness
from tests.harness.server import RunningServer, start_server
from tests.harness.slack_requests import USER_ID

TOKEN = "act.server-token-0001"
ADVERTISER_A = "7000000000000000001"
ADVERTISER_B = "7000000000000000002"
ID = "7301234567890123456"
OTHER_ID = "7301234567890123999"
URL = f"https://www.tiktok.com/@glow.maker/video/{ID}"
CODE = a_spark_code(1)


def in_days(days: float) -> dt.datetime:
    return (utcnow() + dt.timedelta(days=days)).replace(microsecond=0)


def tiktok_time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(autouse=True)
def read_back_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Added codes are read back from the account at once (a minute later in production)."""
    monkeypatch.setattr("bot.services.spark_checks.CONFIRM_AFTER", 0.0)


@pytest.fixture
async def server(
    fake_slack: FakeSlack, fake_tiktok_business: FakeTikTokBusiness, database_url: str
) -> AsyncIterator[RunningServer]:
    fake_tiktok_business.add_token(TOKEN, [ADVERTISER_A, ADVERTISER_B])
    running = await start_server(
        fake_slack,
        database_url,
        tiktok_business_api_url=fake_tiktok_business.url,
        tiktok_business_access_token=TOKEN,
    )
    yield running
    await running.stop()


async def two_account_project(server: RunningServer, *, authorization_days: int = 30) -> LiteProject:
    """A project whose Ads Manager accounts are A and B (both reachable by the token)."""
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        project = await make_project(session, workspace=workspace, authorization_days=authorization_days)
        await session.execute(
            ProjectAdsAccount.__table__.delete().where(ProjectAdsAccount.project_id == project.id)  # type: ignore[attr-defined]
        )
        for advertiser, name in ((ADVERTISER_A, "GlowCo US"), (ADVERTISER_B, "GlowCo UK")):
            account = await make_ads_account(
                session, workspace=workspace, advertiser_id=advertiser, display_name=name
            )
            session.add(ProjectAdsAccount(project_id=project.id, ads_account_id=account.id))  # type: ignore[arg-type]
        return project


async def settled(server: RunningServer) -> None:
    async def done() -> bool:
        return all(job.state != JobState.PENDING for job in await rows(server.sessions, Job))

    await wait_until(done)
    await server.settle()


def slack_text(server: RunningServer) -> str:
    """Everything the app sent to Slack (messages, updates, views), as one string."""
    return json.dumps([call.args for call in server.fake.calls])


def latest_alert(server: RunningServer) -> str:
    sent = [
        call
        for call in server.fake.calls
        if call.method in ("chat.postMessage", "chat.update")
        and str(call.args.get("text", "")).startswith("New video")
    ]
    assert sent, "no alert was sent"
    return json.dumps(sent[-1].args["blocks"])


async def alert_showing(server: RunningServer, words: str) -> str:
    """The latest alert, once an edit has brought `words` into it (edits are sent asynchronously)."""

    async def shows() -> bool:
        try:
            return words in latest_alert(server)
        except AssertionError:
            return False

    await wait_until(shows)
    return latest_alert(server)


async def the_video(server: RunningServer) -> Video:
    [video] = await stored_videos(server)
    return video


async def delivered(server: RunningServer, project: LiteProject) -> Video:
    """The creator delivers URL with CODE; the video once its spark code has been checked."""
    await submit(server, project.invite_token, url=URL, spark_code=CODE)
    await settled(server)
    return await the_video(server)


async def test_a_good_code_is_verified_with_its_real_end_date(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    ends = in_days(200)
    fake_tiktok_business.add_spark_code(
        CODE, ID, auth_end_time=tiktok_time(ends), ad_auth_status="AUTHORIZED"
    )
    project = await two_account_project(server)

    page = await submit(server, project.invite_token, url=URL, spark_code=CODE)

    assert page.status == 200
    await settled(server)
    video = await the_video(server)
    assert video.spark_check is SparkCheck.VERIFIED
    assert video.spark_ends_at == ends and video.spark_auth_status == "AUTHORIZED"
    [asked] = fake_tiktok_business.calls_to("tt_video/info/")
    assert asked.query == {"advertiser_id": ADVERTISER_B, "auth_code": CODE} or asked.query == {
        "advertiser_id": ADVERTISER_A,
        "auth_code": CODE,
    }
    alert = await alert_showing(server, "verified")
    assert "verified" in alert and f"<!date^{int(ends.timestamp())}^" in alert and "(from TikTok)" in alert
    assert "Add to Ads Manager" in alert
    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})
    [home] = await server.fake.wait_for("views.publish")
    assert "1 code verified" in json.dumps(home.args["view"])
    row = export_row(video, project)
    assert row[6] == ends.date().isoformat() and row[-2] == "verified with TikTok" and row[-1] == "TikTok"


async def test_another_videos_code_is_flagged_and_the_creator_told_on_a_resend(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_spark_code(CODE, OTHER_ID)
    project = await two_account_project(server)

    video = await delivered(server, project)
    assert video.spark_check is SparkCheck.OTHER_VIDEO
    alert = await alert_showing(server, "This code unlocks a different video")
    assert "This code unlocks a different video" in alert and "Add to Ads Manager" not in alert
    async with server.sessions() as session:
        flagged, total = await video_queries.page_project_videos(
            session,
            workspace_id=project.workspace_id,
            project_id=project.id,  # type: ignore[arg-type]
            status=CODE_PROBLEMS,
        )
    assert total == 1 and flagged[0].id == video.id

    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})
    [home] = await server.fake.wait_for("views.publish")
    assert "1 code problem" in json.dumps(home.args["view"])

    again = await submit(server, project.invite_token, url=URL, spark_code=CODE)

    assert again.status == 200
    assert "unlocks a different video" in html.unescape(again.text)
    assert "request_id" not in slack_text(server) and "fake-0" not in slack_text(server)


async def test_an_expired_code_is_marked_in_words(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_spark_code(CODE, ID, expired=True)
    project = await two_account_project(server)

    video = await delivered(server, project)
    assert video.spark_check is SparkCheck.EXPIRED
    alert = await alert_showing(server, "expired on TikTok")
    assert "expired on TikTok" in alert and "ask the creator for a new one" in alert
    assert "40003" not in slack_text(server)


async def test_a_code_shorter_than_the_period_is_flagged_with_the_dates(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    ends = in_days(10)
    fake_tiktok_business.add_spark_code(CODE, ID, auth_end_time=tiktok_time(ends))
    project = await two_account_project(server, authorization_days=60)

    video = await delivered(server, project)
    assert (
        video.spark_check is SparkCheck.VERIFIED
        and video.spark_problem == "shorter than the project's period"
    )
    alert = await alert_showing(server, "Shorter than the project's period")
    assert "Shorter than the project's period" in alert and "60 days" in alert
    assert f"<!date^{int(ends.timestamp())}^" in alert


async def test_add_to_ads_manager_on_two_accounts_one_refused(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_spark_code(CODE, ID, auth_end_time=tiktok_time(in_days(100)))
    fake_tiktok_business.refuse_authorize[ADVERTISER_B] = (
        40002,
        "This account has reached its Spark Ads limit.",
    )
    project = await two_account_project(server)
    video = await delivered(server, project)

    answer = await server.slack.block_action(VIDEO_ADD_TO_ADS, value=str(video.id))

    assert answer.status == 200
    await server.fake.wait_for("respond")  # the listener's transaction is committed by then
    await settled(server)
    async with server.sessions() as session:
        rows = {row.ads_account_id: row for row in (await session.execute(select(VideoAdsAccount))).scalars()}
    states = sorted((row.state, row.reason) for row in rows.values())
    assert states == [
        (AdsPlacement.ADDED, None),
        (AdsPlacement.REFUSED, "TikTok says: This account has reached its Spark Ads limit"),
    ]
    authorized = fake_tiktok_business.calls_to("tt_video/authorize/")
    assert sorted(call.body["advertiser_id"] for call in authorized) == [ADVERTISER_A, ADVERTISER_B]
    assert all(call.body["auth_code"] == CODE for call in authorized)
    reply = server.fake.of("respond")[-1]
    assert "Adding this code to 2 Ads Manager accounts" in reply.args["text"]

    await server.slack.block_action(VIDEO_DETAILS, value=str(video.id))
    [opened] = await server.fake.wait_for("views.open")
    details = json.dumps(opened.args["view"])
    assert f"aadvid={ADVERTISER_A}" in details and "Open in Ads Manager" in details
    assert details.count("listed among the account's posts") == 1  # read back from account A only
    [listed] = fake_tiktok_business.calls_to("tt_video/list/")
    assert listed.query["advertiser_id"] == ADVERTISER_A and listed.query["keyword"] == ID
    assert "Spark Ads limit" in details and f"aadvid={ADVERTISER_B}" not in details
    assert "40002" not in slack_text(server)

    # a second press asks only the account that refused
    await server.slack.block_action(VIDEO_ADD_TO_ADS, value=str(video.id))
    await server.fake.wait_for("respond", 2)
    await settled(server)
    assert len(fake_tiktok_business.calls_to("tt_video/authorize/")) == 3


async def test_a_revoked_token_needs_reconnecting_with_one_dm_not_a_stream(
    fake_slack: FakeSlack, fake_tiktok_business: FakeTikTokBusiness, database_url: str
) -> None:
    running = await start_server(fake_slack, database_url, **fake_tiktok_business.app_settings())
    try:
        fake_tiktok_business.add_token("act.user-token", [ADVERTISER_A, ADVERTISER_B])
        fake_tiktok_business.revoke("act.user-token")
        for n in range(3):
            fake_tiktok_business.add_spark_code(a_spark_code(10 + n), f"730123456789012{n:04d}")
        project = await two_account_project(running)
        async with running.sessions.begin() as session:
            await make_connection(
                session,
                settings=running.settings,
                workspace_id=project.workspace_id,
                access_token="act.user-token",
                account_ids=[ADVERTISER_A, ADVERTISER_B],
            )

        for n in range(3):
            await submit(
                running,
                project.invite_token,
                url=f"https://www.tiktok.com/@glow.maker/video/730123456789012{n:04d}",
                spark_code=a_spark_code(10 + n),
            )
        await settled(running)

        async with running.sessions() as session:
            connection = (await session.execute(select(TikTokConnection))).scalar_one()
        parked = [job for job in await rows(running.sessions, Job) if job.state == JobState.FAILED]
        assert connection.status is TikTokConnectionStatus.NEEDS_RECONNECTING
        assert parked == []  # nothing piles up in /liteproject status either
        dms = [call for call in running.fake.of("chat.postMessage") if call.args["channel"] == USER_ID]
        assert len(dms) == 1 and "Connect TikTok for Business" in dms[0].args["text"]
        assert len(fake_tiktok_business.calls_to("tt_video/info/")) <= 3
        assert all(video.spark_check is SparkCheck.UNCHECKED for video in await stored_videos(running))

        assert "40105" not in slack_text(running) and "revoked." not in slack_text(running)

        await running.slack.event(
            {"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"}
        )
        [home] = await running.fake.wait_for("views.publish")
        assert "needs reconnecting" in json.dumps(home.args["view"])
        assert "Connect TikTok for Business again" in json.dumps(home.args["view"])

        # connecting again checks the codes that waited
        fake_tiktok_business.add_oauth_code(
            "again", token="act.new-token", advertiser_ids=[ADVERTISER_A, ADVERTISER_B]
        )
        async with aiohttp.ClientSession() as http, running.sessions.begin() as session:
            await tiktok_oauth.finish(
                session,
                settings=running.settings,
                http=http,
                kind=TikTokConnectionKind.BUSINESS,
                workspace_id=project.workspace_id,
                user_id=USER_ID,
                code="again",
            )
        await settled(running)
        assert all(video.spark_check is SparkCheck.VERIFIED for video in await stored_videos(running))
    finally:
        await running.stop()


async def test_without_a_connection_nothing_is_checked_and_the_end_stays_estimated(
    fake_slack: FakeSlack, fake_tiktok_business: FakeTikTokBusiness, database_url: str
) -> None:
    running = await start_server(fake_slack, database_url, tiktok_business_api_url=fake_tiktok_business.url)
    try:
        project = await two_account_project(running)
        await submit(running, project.invite_token, url=URL, spark_code=CODE)
        await settled(running)
        assert await rows(running.sessions, Job) == []
        assert fake_tiktok_business.calls == []
        alert = latest_alert(running)
        assert "estimated" in alert and "Add to Ads Manager" not in alert and "verified" not in alert
    finally:
        await running.stop()


async def test_a_restart_mid_verification_loses_and_repeats_nothing(
    fake_slack: FakeSlack, fake_tiktok_business: FakeTikTokBusiness, database_url: str
) -> None:
    fake_tiktok_business.add_token(TOKEN, [ADVERTISER_A, ADVERTISER_B])
    ids = [f"73012345678901{n:05d}" for n in range(4)]
    for n, video_id in enumerate(ids):
        fake_tiktok_business.add_spark_code(
            a_spark_code(20 + n), video_id, auth_end_time=tiktok_time(in_days(90))
        )
    options: dict[str, Any] = {
        "tiktok_business_api_url": fake_tiktok_business.url,
        "tiktok_business_access_token": TOKEN,
    }
    first = await start_server(fake_slack, database_url, **options)
    project = await two_account_project(first)
    fake_tiktok_business.slow(0.5, times=2)  # the first two checks are in progress at the stop
    for n, video_id in enumerate(ids[:2]):
        page = await submit(
            first,
            project.invite_token,
            url=f"https://www.tiktok.com/@glow.maker/video/{video_id}",
            spark_code=a_spark_code(20 + n),
        )
        assert page.status == 200

    async def asked(count: int) -> bool:
        return len(fake_tiktok_business.calls_to("tt_video/info/")) >= count

    await wait_until(lambda: asked(2))
    await first.runner.app[JOBS_KEY].stop()  # what SIGTERM does: finish and record those two
    for n, video_id in enumerate(ids[2:], start=2):
        await submit(
            first,
            project.invite_token,
            url=f"https://www.tiktok.com/@glow.maker/video/{video_id}",
            spark_code=a_spark_code(20 + n),
        )
    await held_by_a_dead_replica(first.sessions)
    await first.stop()

    second = await start_server(fake_slack, database_url, **options)
    try:
        await settled(second)
        videos = await stored_videos(second)
        async with second.sessions() as session:
            checked = (
                (
                    await session.execute(
                        select(AuditEvent).where(col(AuditEvent.action) == "video.spark_code_checked")
                    )
                )
                .scalars()
                .all()
            )
    finally:
        await second.stop()

    assert [video.spark_check for video in videos] == [SparkCheck.VERIFIED] * 4
    asked_codes = [call.query["auth_code"] for call in fake_tiktok_business.calls_to("tt_video/info/")]
    assert sorted(asked_codes) == sorted(a_spark_code(20 + n) for n in range(4))  # each once
    assert len(checked) == 4


async def test_ask_for_a_new_code_then_a_new_end_date_clears_it(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_spark_code(CODE, ID, auth_end_time=tiktok_time(in_days(3)))
    project = await two_account_project(server)
    video = await delivered(server, project)

    await server.slack.block_action(VIDEO_ASK_NEW_CODE, value=str(video.id))

    [opened] = await server.fake.wait_for("views.open")  # opened after the transaction committed
    message = json.dumps(opened.args["view"])
    assert "glowmaker@example.com" in message or "maker@example.com" in message
    assert URL in message and "30 days" in message and f"/i/{project.invite_token}" in message
    assert (await the_video(server)).new_code_requested_at is not None

    await server.slack.block_action(VIDEO_ADD_TO_ADS, value=str(video.id))
    await server.fake.wait_for("respond")
    await settled(server)
    new_code = a_spark_code(2)
    fake_tiktok_business.add_spark_code(new_code, ID, auth_end_time=tiktok_time(in_days(120)))
    page = await submit(server, project.invite_token, url=URL, spark_code=new_code)
    assert page.status == 200
    await settled(server)

    video = await the_video(server)
    assert video.spark_code == new_code and video.spark_check is SparkCheck.VERIFIED
    async with server.sessions() as session:
        # the old code's Ads Manager results don't carry over to the new code
        assert (await session.execute(select(VideoAdsAccount))).scalars().all() == []
    assert video.spark_ends_at is not None
    assert video.new_code_requested_at is None and video.spark_ends_at == in_days(120).replace(
        hour=video.spark_ends_at.hour, minute=video.spark_ends_at.minute, second=video.spark_ends_at.second
    )


async def test_reminders_a_week_before_and_on_the_last_day_of_a_verified_end(
    server: RunningServer,
) -> None:
    now = utcnow()
    project = await two_account_project(server)
    async with server.sessions.begin() as session:
        week = Video(
            workspace_id=project.workspace_id,
            project_id=project.id,  # type: ignore[arg-type]
            video_key="7301234567890000001",
            tiktok_video_id="7301234567890000001",
            url="https://www.tiktok.com/@a/video/7301234567890000001",
            creator_handle="a",
            spark_code=a_spark_code(30),
            source="invite_link",  # type: ignore[arg-type]
            status=VideoStatus.AUTHORIZED,
            authorized_at=now - dt.timedelta(days=1),
            spark_check=SparkCheck.VERIFIED,
            spark_ends_at=now + dt.timedelta(days=5),  # the estimate would say 29 days
        )
        session.add(week)
    async with server.sessions.begin() as session:
        first = await reminders.run_daily(session, now=now)
    async with server.sessions.begin() as session:
        second = await reminders.run_daily(session, now=now + dt.timedelta(days=4, hours=2))
    async with server.sessions.begin() as session:
        third = await reminders.run_daily(session, now=now + dt.timedelta(days=4, hours=3))
    assert list(first.ending.values()) == [[week.id]] and not first.last_day
    assert list(second.last_day.values()) == [[week.id]] and not second.ending
    assert not third.queued
    async with server.sessions() as session:
        kinds = [
            row.payload.get("reminder") for row in (await session.execute(select(OutboxMessage))).scalars()
        ]
    assert kinds.count("ending") >= 1 and kinds.count("last_day") >= 1


async def test_help_says_what_connecting_adds(server: RunningServer) -> None:
    answer = await server.slack.command("help")

    assert "Connect TikTok for Business" in answer.json["text"]
    assert "estimated from the project's period" in answer.json["text"]


async def test_the_videos_list_adds_every_verified_code_at_once_with_a_summary(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    project = await two_account_project(server)
    for n in range(2):
        video_id = f"730123456789012{n:04d}"
        fake_tiktok_business.add_spark_code(
            a_spark_code(40 + n), video_id, auth_end_time=tiktok_time(in_days(90))
        )
        await submit(
            server,
            project.invite_token,
            url=f"https://www.tiktok.com/@glow.maker/video/{video_id}",
            spark_code=a_spark_code(40 + n),
        )
    await settled(server)

    await server.slack.command(f"videos {project.link_name}")
    [listing] = await server.fake.wait_for("views.open")
    view = listing.args["view"]
    assert "Add 2 verified codes to Ads Manager" in json.dumps(view)

    await server.slack.block_action(
        VIDEO_LIST_ADD_ALL, value=str(project.id), view={"id": "V0LIST", "type": "modal", **view}
    )
    [pushed] = await server.fake.wait_for("views.push")
    assert "Adding 2 verified codes" in json.dumps(pushed.args["view"])
    await settled(server)

    async def summary_sent() -> bool:
        return any(call.args.get("channel") == USER_ID for call in server.fake.of("chat.postMessage"))

    await wait_until(summary_sent)
    [summary] = [call for call in server.fake.of("chat.postMessage") if call.args.get("channel") == USER_ID]
    assert "2 codes done — 4 added, 0 already there, 0 not added" in summary.args["text"]
    assert len(fake_tiktok_business.calls_to("tt_video/authorize/")) == 4


async def test_codes_given_in_a_linking_request_are_verified(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_spark_code(CODE_A, VIDEO_A, auth_end_time=tiktok_time(in_days(300)))
    fake_tiktok_business.add_spark_code(CODE_B, VIDEO_A)  # B's code is video A's: a mistake
    request = await new_request(server)
    async with server.sessions.begin() as session:
        # the project's one account is reachable by the server's token
        project = await session.get(LiteProject, request.project_id)
        assert project is not None
        [account_id] = await project_account_ids(session, project.id)  # type: ignore[arg-type]
        account = await session.get(AdsAccount, account_id)
        assert account is not None
        account.advertiser_id = ADVERTISER_A

    page = await post(server, request.token, answer="accept", spark_code_0=CODE_A, spark_code_1=CODE_B)

    assert page.status == 200
    await settled(server)
    videos = {video.tiktok_video_id: video for video in await stored_videos(server)}
    assert videos[VIDEO_A].spark_check is SparkCheck.VERIFIED
    assert videos[VIDEO_A].spark_ends_at == in_days(300).replace(
        hour=videos[VIDEO_A].spark_ends_at.hour,  # type: ignore[union-attr]
        minute=videos[VIDEO_A].spark_ends_at.minute,  # type: ignore[union-attr]
        second=videos[VIDEO_A].spark_ends_at.second,  # type: ignore[union-attr]
    )
    assert videos[VIDEO_B].spark_check is SparkCheck.OTHER_VIDEO


async def project_account_ids(session: Any, project_id: int) -> list[int]:
    return await project_queries.project_ads_account_ids(session, project_id=project_id)


async def test_throttling_and_outages_are_retried_until_the_code_is_verified(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.services.spark_checks.THROTTLE_PAUSE", 0.2)
    fake_tiktok_business.add_spark_code(CODE, ID, auth_end_time=tiktok_time(in_days(45)))
    fake_tiktok_business.throttle()
    fake_tiktok_business.http_error(503)
    fake_tiktok_business.fail_next(50002, "Internal service error")
    project = await two_account_project(server)

    assert (await delivered(server, project)).spark_check is SparkCheck.VERIFIED
    assert len(fake_tiktok_business.calls_to("tt_video/info/")) == 4
    [job] = [job for job in await rows(server.sessions, Job) if job.kind == "spark_code_check"]
    assert job.state == JobState.DONE and job.attempts == 3


async def test_a_parked_check_says_why_in_words_without_tiktoks_codes(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_spark_code(CODE, ID)
    fake_tiktok_business.fail_next(50002, "Internal service error", times=20)
    project = await two_account_project(server)
    await submit(server, project.invite_token, url=URL, spark_code=CODE)

    async def parked() -> bool:
        return any(job.state == JobState.FAILED for job in await rows(server.sessions, Job))

    await wait_until(parked, timeout=30)
    await server.slack.command("status")

    status = json.dumps((await server.fake.wait_for("respond"))[0].args["blocks"], ensure_ascii=False)
    assert "spark code check" in status and "TikTok had a server error" in status
    assert "50002" not in status and "fake-" not in status


async def test_only_managers_add_to_ads_manager_or_ask_for_a_new_code(
    server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_spark_code(CODE, ID, auth_end_time=tiktok_time(in_days(100)))
    project = await two_account_project(server)
    video = await delivered(server, project)

    await server.slack.block_action(VIDEO_ADD_TO_ADS, value=str(video.id), user_id="U0BOB0001")
    await server.slack.block_action(VIDEO_ASK_NEW_CODE, value=str(video.id), user_id="U0BOB0001")

    refusals = await server.fake.wait_for("respond", 2)
    texts = " ".join(call.args["text"] for call in refusals)
    assert "can add to Ads Manager the spark codes of" in texts and "can see the spark codes of" in texts
    async with server.sessions() as session:
        assert (await session.execute(select(VideoAdsAccount))).scalars().all() == []
    assert (await the_video(server)).new_code_requested_at is None
    assert fake_tiktok_business.calls_to("tt_video/authorize/") == []
