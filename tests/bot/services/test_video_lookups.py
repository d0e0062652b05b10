"""TikTok lookups end to end: the real server, the fake Slack and a fake TikTok oEmbed.

A creator delivers through the invite page; the lookup job asks the fake TikTok; the alert
carries what TikTok said. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import JOBS_KEY
from bot.blocks.videos import render_video_list
from bot.services.videos import EXPORT_COLUMNS, export_row
from storage.models import Job, JobState, OwnerCheck, Video, VideoStatus, utcnow
from tests.bot.portal.test_routes import new_project, stored_videos, submit, video_alerts
from tests.factories import a_spark_code, held_by_a_dead_replica, rows
from tests.harness.fake_slack import FakeSlack
from tests.harness.fake_tiktok import FakeTikTok
from tests.harness.server import RunningServer, start_server

ID = "7301234567890123456"
OTHER_ID = "7301234567890123999"
CANONICAL = f"https://www.tiktok.com/@glow.maker/video/{ID}"
SHORT = "https://vm.tiktok.com/ZMabc1234/"


@pytest.fixture
async def server(
    fake_slack: FakeSlack, fake_tiktok: FakeTikTok, database_url: str
) -> AsyncIterator[RunningServer]:
    running = await start_server(fake_slack, database_url, tiktok_oembed_url=fake_tiktok.url)
    yield running
    await running.stop()


async def wait_until(condition: Any, *, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def all_jobs_done(server: RunningServer) -> bool:
    return all(job.state != JobState.PENDING for job in await rows(server.sessions, Job))


async def alerts_after_jobs(server: RunningServer, count: int, *, settle: float = 0.4) -> list[Any]:
    await wait_until(lambda: all_jobs_done(server))
    await server.settle()
    for _ in range(100):
        if len(video_alerts(server)) >= count:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(settle)  # an extra alert would show up meanwhile
    return video_alerts(server)


async def test_the_alert_carries_the_title_and_thumbnail_and_the_owner_is_confirmed(
    server: RunningServer, fake_tiktok: FakeTikTok
) -> None:
    fake_tiktok.add_video(ID, owner="glow.maker", title="My 3-step serum routine")
    project = await new_project(server, link_name="Summer glow")

    page = await submit(server, project.invite_token, url=CANONICAL)

    assert page.status == 200
    [alert] = await alerts_after_jobs(server, 1)
    blocks = json.dumps(alert.args["blocks"])
    assert "My 3-step serum routine" in blocks
    [accessory] = [b["accessory"] for b in alert.args["blocks"] if b.get("accessory")]
    assert accessory["type"] == "image" and accessory["image_url"].startswith("https://p16-sign.")
    [video] = await stored_videos(server)
    assert (video.owner_check, video.owner_handle, video.title) == (
        OwnerCheck.CONFIRMED,
        "glow.maker",
        "My 3-step serum routine",
    )
    assert fake_tiktok.calls_about(ID) == 1
    # the thumbnail URL isn't stored with the video (it expires): the cached answer has it
    assert "tiktokcdn" not in json.dumps(video.model_dump(mode="json"))


async def test_someone_elses_video_is_flagged_and_its_owner_delivery_wins(
    server: RunningServer, fake_tiktok: FakeTikTok
) -> None:
    fake_tiktok.add_video(ID, owner="real.owner", title="Not mine")
    project = await new_project(server)

    # a squatter puts their own handle in the link: TikTok serves /@anyone/video/<id>
    await submit(server, project.invite_token, url=CANONICAL, creator_handle="@glow.maker")
    [alert] = await alerts_after_jobs(server, 1)

    assert "Not from this creator's account" in json.dumps(alert.args["blocks"])
    assert "@real.owner" in json.dumps(alert.args["blocks"])
    [video] = await stored_videos(server)
    assert (video.owner_check, video.owner_handle) == (OwnerCheck.OTHER_ACCOUNT, "real.owner")
    assert video.url == f"https://www.tiktok.com/@real.owner/video/{ID}"
    list_view = json.dumps(render_video_list(project, [video], 1))
    assert "Not from this creator's account" in list_view
    row = dict(zip(EXPORT_COLUMNS, export_row(video, project), strict=True))
    assert row["TikTok account"] == "not from this creator's account"

    # the owner delivers their own video (an embed link naming no account): it becomes theirs
    page = await submit(
        server,
        project.invite_token,
        url=f"https://www.tiktok.com/embed/v2/{ID}",
        creator_handle="@real.owner",
        creator_email="owner@example.com",
        spark_code="",
    )

    assert page.status == 200, page.text
    [video] = await stored_videos(server)
    assert (video.creator_handle, video.creator_email, video.spark_code, video.owner_check) == (
        "real.owner",
        "owner@example.com",
        None,
        OwnerCheck.CONFIRMED,
    )
    alerts = await alerts_after_jobs(server, 2)
    assert len(alerts) == 2
    assert "from *@real.owner*" in json.dumps(alerts[1].args["blocks"])


async def test_an_alert_sent_before_tiktok_answered_gets_a_thread_note_when_the_owner_differs(
    server: RunningServer, fake_tiktok: FakeTikTok
) -> None:
    fake_tiktok.add_video(ID, owner="real.owner")
    fake_tiktok.server_error(times=2)  # the alert goes out without waiting any longer
    project = await new_project(server)

    await submit(server, project.invite_token, url=CANONICAL)

    [alert] = await alerts_after_jobs(server, 1)
    assert "Not from this creator's account" not in json.dumps(alert.args["blocks"])
    notes = [
        c for c in server.fake.of("chat.postMessage") if "not from this creator's account" in c.args["text"]
    ]
    assert len(notes) == 1
    assert "@real.owner" in json.dumps(notes[0].args["blocks"])
    [video] = await stored_videos(server)
    assert video.owner_check == OwnerCheck.OTHER_ACCOUNT


async def test_a_second_creator_waits_while_the_owner_is_unknown(
    server: RunningServer, fake_tiktok: FakeTikTok
) -> None:
    fake_tiktok.server_error(times=50)  # TikTok is down: nobody is confirmed yet
    project = await new_project(server)
    await submit(server, project.invite_token, url=f"https://www.tiktok.com/share/video/{ID}")

    page = await submit(
        server,
        project.invite_token,
        url=f"https://www.tiktok.com/share/video/{ID}",
        creator_handle="@other.one",
    )

    assert page.status == 409
    assert "hasn&#39;t confirmed whose account" in page.text or "hasn't confirmed whose account" in page.text
    [video] = await stored_videos(server)
    assert (video.creator_handle, video.owner_check) == ("glow.maker", OwnerCheck.UNVERIFIED)


async def test_a_short_link_is_resolved(server: RunningServer, fake_tiktok: FakeTikTok) -> None:
    fake_tiktok.add_video(ID, owner="glow.maker", title="Short and sweet")
    fake_tiktok.add_short_link(SHORT, ID)
    project = await new_project(server)

    page = await submit(server, project.invite_token, url=SHORT)

    assert page.status == 200
    [alert] = await alerts_after_jobs(server, 1)
    [video] = await stored_videos(server)
    assert (video.video_key, video.tiktok_video_id, video.needs_resolution, video.url) == (
        ID,
        ID,
        False,
        CANONICAL,
    )
    assert CANONICAL in json.dumps(alert.args["blocks"])
    assert "short link" not in json.dumps(alert.args["blocks"])


async def test_a_short_link_to_a_video_already_delivered_is_merged_without_a_second_alert(
    server: RunningServer, fake_tiktok: FakeTikTok
) -> None:
    fake_tiktok.add_video(ID, owner="glow.maker")
    fake_tiktok.add_short_link(SHORT, ID)
    project = await new_project(server)
    await submit(server, project.invite_token, url=CANONICAL, spark_code="")
    await alerts_after_jobs(server, 1)

    code = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
    page = await submit(server, project.invite_token, url=SHORT, spark_code=code)

    assert page.status == 200
    alerts = await alerts_after_jobs(server, 2)
    assert len(alerts) == 1
    [video] = await stored_videos(server)
    assert (video.video_key, video.spark_code) == (ID, code)


async def test_a_removed_video_is_marked_unavailable_with_a_thread_note(
    server: RunningServer, fake_tiktok: FakeTikTok
) -> None:
    fake_tiktok.add_video(ID, owner="glow.maker")
    project = await new_project(server)
    await submit(server, project.invite_token, url=CANONICAL)
    await alerts_after_jobs(server, 1)
    async with server.sessions.begin() as session:
        [video] = (await session.execute(select(Video))).scalars().all()
        video.status = VideoStatus.AUTHORIZED
        video.authorized_at = utcnow()
    fake_tiktok.remove(ID)

    # the daily re-check of videos whose authorization is running
    queued = await server.runner.app[JOBS_KEY].run_periodic(utcnow() + dt.timedelta(days=1))

    assert queued == 1
    await wait_until(lambda: all_jobs_done(server))
    await server.settle()
    [video] = await stored_videos(server)
    assert video.unavailable_since is not None
    notes = [c for c in server.fake.of("chat.postMessage") if "unavailable" in str(c.args.get("text", ""))]
    assert len(notes) == 1
    assert "private or removed" in json.dumps(notes[0].args["blocks"])
    assert "Unavailable" in json.dumps(render_video_list(project, [video], 1))
    # a second run the same day queues nothing new
    assert await server.runner.app[JOBS_KEY].run_periodic(utcnow() + dt.timedelta(days=1)) == 0


async def test_a_video_unknown_to_tiktok_is_marked_at_once(server: RunningServer) -> None:
    project = await new_project(server)

    await submit(server, project.invite_token, url=CANONICAL)

    [alert] = await alerts_after_jobs(server, 1)
    assert "private or removed" in json.dumps(alert.args["blocks"])
    [video] = await stored_videos(server)
    assert video.unavailable_since is not None


async def test_tiktok_errors_are_retried_and_the_alert_still_goes_out_once(
    server: RunningServer, fake_tiktok: FakeTikTok, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.tiktok.oembed.TIMEOUT_SECONDS", 0.3)
    fake_tiktok.add_video(ID, owner="glow.maker", title="Worth the wait")
    fake_tiktok.server_error()
    fake_tiktok.rate_limit(retry_after=1)
    fake_tiktok.slow(1.0)
    project = await new_project(server)

    await submit(server, project.invite_token, url=CANONICAL)

    alerts = await alerts_after_jobs(server, 1)
    assert len(alerts) == 1
    [job] = await rows(server.sessions, Job)
    assert job.state == JobState.DONE
    [video] = await stored_videos(server)
    assert video.title == "Worth the wait"  # the 4th call answered
    assert len(fake_tiktok.calls) == 4


async def test_a_lookup_tiktok_never_answers_is_parked_and_shown_in_status(
    server: RunningServer, fake_tiktok: FakeTikTok
) -> None:
    fake_tiktok.server_error(times=20)
    project = await new_project(server)

    await submit(server, project.invite_token, url=CANONICAL)

    alerts = await alerts_after_jobs(server, 1)
    assert len(alerts) == 1  # the alert didn't wait for TikTok forever
    [job] = await rows(server.sessions, Job)
    assert (job.state, job.attempts) == (JobState.FAILED, 6)
    assert "HTTP 503" in (job.last_error or "")
    await server.slack.command("status")
    status = json.dumps((await server.fake.wait_for("respond"))[0].args["blocks"], ensure_ascii=False)
    assert "0 waiting · 1 failed" in status and "TikTok answered HTTP 503" in status

    # TikTok is back: `status retry` re-queues the parked lookup, which now goes through
    fake_tiktok.recover()
    fake_tiktok.add_video(ID, owner="glow.maker", title="Back again")
    await server.slack.command("status retry")
    retried = (await server.fake.wait_for("respond", 2))[1]
    assert "Trying 1 failed notifications and lookups again" in retried.args["text"] + json.dumps(
        retried.args["blocks"]
    )

    async def lookup_done() -> bool:
        return [job.state for job in await rows(server.sessions, Job)] == [JobState.DONE]

    await wait_until(lookup_done)
    [job] = await rows(server.sessions, Job)
    assert (job.state, job.last_error) == (JobState.DONE, None)
    [video] = await stored_videos(server)
    assert (video.title, video.owner_check) == ("Back again", OwnerCheck.CONFIRMED)
    assert len(await alerts_after_jobs(server, 1)) == 1  # the alert already went out: not again


async def test_lookups_survive_a_restart_without_losing_or_repeating_one(
    fake_slack: FakeSlack, fake_tiktok: FakeTikTok, database_url: str
) -> None:
    ids = [f"73012345678901{n:05d}" for n in range(4)]
    for video_id in ids:
        fake_tiktok.add_video(video_id, owner="glow.maker")
    first = await start_server(fake_slack, database_url, tiktok_oembed_url=fake_tiktok.url)
    project = await new_project(first)
    # the first two lookups are in progress when the server is told to stop
    fake_tiktok.slow(0.5, times=2)
    for video_id in ids[:2]:
        page = await submit(
            first,
            project.invite_token,
            url=f"https://www.tiktok.com/@glow.maker/video/{video_id}",
            spark_code=a_spark_code(ids.index(video_id)),  # each video its own code
        )
        assert page.status == 200
    await wait_until(lambda: _asked(fake_tiktok, 2))
    await first.runner.app[JOBS_KEY].stop()  # what SIGTERM does: finish and record those two
    for video_id in ids[2:]:
        page = await submit(
            first,
            project.invite_token,
            url=f"https://www.tiktok.com/@glow.maker/video/{video_id}",
            spark_code=a_spark_code(ids.index(video_id)),
        )
        assert page.status == 200
    await held_by_a_dead_replica(first.sessions)
    await first.stop()
    assert [fake_tiktok.calls_about(video_id) for video_id in ids] == [1, 1, 0, 0]

    second = await start_server(fake_slack, database_url, tiktok_oembed_url=fake_tiktok.url)
    try:
        alerts = await alerts_after_jobs(second, len(ids))
        states = [job.state for job in await rows(second.sessions, Job)]
    finally:
        await second.stop()

    assert len(alerts) == len(ids)
    assert states == [JobState.DONE] * len(ids)
    assert [fake_tiktok.calls_about(video_id) for video_id in ids] == [1] * len(ids)


async def _asked(fake: FakeTikTok, count: int) -> bool:
    return len(fake.calls) >= count


@pytest.mark.backends("postgres")  # replicas share PostgreSQL; SQLite serves one process
async def test_two_replicas_share_the_lookups(
    fake_slack: FakeSlack, fake_tiktok: FakeTikTok, database_url: str
) -> None:
    ids = [f"73012345678902{n:05d}" for n in range(8)]
    for video_id in ids:
        fake_tiktok.add_video(video_id, owner="glow.maker")
    replicas = [
        await start_server(fake_slack, database_url, tiktok_oembed_url=fake_tiktok.url) for _ in range(2)
    ]
    try:
        # two channels, four videos each: below the digest threshold, so each video is its own alert
        projects = [await new_project(replicas[0], channel_id=channel) for channel in ("C0GLOW1", "C0GLOW2")]
        for number, video_id in enumerate(ids):
            page = await submit(
                replicas[number % 2],
                projects[number // 4].invite_token,
                url=f"https://www.tiktok.com/@glow.maker/video/{video_id}",
                spark_code=a_spark_code(number),  # each video its own code
            )
            assert page.status == 200
        alerts = await alerts_after_jobs(replicas[0], len(ids))
    finally:
        for replica in replicas:
            await replica.stop()

    assert len(alerts) == len(ids)
    assert [fake_tiktok.calls_about(video_id) for video_id in ids] == [1] * len(ids)


async def test_with_lookups_off_the_alert_goes_out_at_once_and_nothing_is_queued(
    fake_slack: FakeSlack, fake_tiktok: FakeTikTok, database_url: str
) -> None:
    fake_tiktok.add_video(ID, owner="someone.else")
    plain = await start_server(fake_slack, database_url)  # TIKTOK_OEMBED_URL empty
    try:
        project = await new_project(plain)
        await submit(plain, project.invite_token, url=CANONICAL)
        await plain.settle()
        [alert] = await alerts_after_jobs(plain, 1)
        assert await rows(plain.sessions, Job) == []
    finally:
        await plain.stop()

    assert fake_tiktok.calls == []
    assert "Not from this creator" not in json.dumps(alert.args["blocks"])


async def test_a_refused_delivery_queues_no_lookup(server: RunningServer, fake_tiktok: FakeTikTok) -> None:
    fake_tiktok.add_video(ID, owner="glow.maker")
    paused = await new_project(server, active=False)
    active = await new_project(server)

    refused = await submit(server, paused.invite_token, url=CANONICAL)
    invalid = await submit(server, active.invite_token, url=CANONICAL, creator_email="not-an-email")

    assert (refused.status, invalid.status) == (409, 422)
    assert await rows(server.sessions, Job) == []
    assert await stored_videos(server) == []
    assert fake_tiktok.calls == []


def count_wakes(server: RunningServer) -> list[int]:
    """How often the job runner is woken from now on (it is still woken: this only counts)."""
    runner = server.runner.app[JOBS_KEY]
    woken = [0]
    wake = runner.wake

    def counted() -> None:
        woken[0] += 1
        wake()

    runner.wake = counted  # type: ignore[method-assign]
    return woken


async def test_a_delivery_wakes_the_job_runner_only_when_it_queued_a_job(
    server: RunningServer, fake_slack: FakeSlack, fake_tiktok: FakeTikTok, database_url: str
) -> None:
    fake_tiktok.add_video(ID, owner="glow.maker")
    project = await new_project(server)
    woken = count_wakes(server)
    assert (await submit(server, project.invite_token, url=CANONICAL)).status == 200
    assert woken == [1]  # its lookup: run now, not at the next poll
    assert len(await rows(server.sessions, Job)) == 1

    plain = await start_server(fake_slack, database_url)  # no lookups: a delivery queues no job
    try:
        other = await new_project(plain)
        idle = count_wakes(plain)
        assert (await submit(plain, other.invite_token, url=CANONICAL)).status == 200
        assert idle == [0]
    finally:
        await plain.stop()
