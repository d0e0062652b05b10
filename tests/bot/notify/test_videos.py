"""One spark-code life through the real server, the dispatcher and the fake Slack: alerts authorized
with an estimated end, late codes edit the alert in place, the card counts what is to review."""

from __future__ import annotations

import aiohttp
from sqlalchemy import select

from bot.blocks.videos import VIDEO_APPROVE, VIDEO_COPY_SPARK_CODE, VIDEO_LIST_TO_REVIEW
from bot.portal.routes import FORM_TOKENS_KEY
from storage.models import ReviewState, Video, VideoStatus
from tests.bot.handlers.helpers import (
    CARD_TS,
    CODE,
    alerts,
    blocks_text,
    button_ids,
    deliver,
    edits_of,
    project_with_card,
    the_video,
    wait_until,
)
from tests.factories import make_project, make_video, make_workspace
from tests.harness.fake_slack import Call, check_blocks
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID


async def last_respond(server: RunningServer) -> Call:
    calls = await wait_until(
        lambda: [c for c in server.fake.of("respond") if "Invite link" in blocks_text(c.args.get("blocks"))]
    )
    return calls[-1]


async def test_a_code_delivered_with_the_video_authorizes_it_with_an_estimated_end(
    server: RunningServer,
) -> None:
    project = await project_with_card(server, authorization_days=30)

    assert await deliver(server, project, spark_code=CODE) == 200

    (alert,) = await wait_until(lambda: alerts(server))
    rendered = blocks_text(alert.args["blocks"])
    assert "Received · authorized until <!date^" in rendered
    assert "estimated: 30 days from the code's delivery" in rendered
    video = await the_video(server)
    assert video.status == VideoStatus.AUTHORIZED and video.authorized_at == video.delivered_at


async def test_a_late_code_edits_the_alert_in_place_and_tells_the_thread(server: RunningServer) -> None:
    project = await project_with_card(server)
    assert await deliver(server, project, spark_code="") == 200
    (alert,) = await wait_until(lambda: alerts(server))
    assert alert.args["thread_ts"] == CARD_TS
    assert "Missing" in blocks_text(alert.args["blocks"])
    alert_ts = alert.answer["ts"]

    assert await deliver(server, project, spark_code=CODE) == 200

    (edit,) = await wait_until(edits_of(server, alert_ts))
    assert edit.args["channel"] == CHANNEL_ID
    edited = blocks_text(edit.args["blocks"])
    assert "Missing" not in edited and "Received · authorized until" in edited
    assert VIDEO_COPY_SPARK_CODE in button_ids(edit.args["blocks"])
    (note,) = await wait_until(
        lambda: [c for c in server.fake.of("chat.postMessage") if "sent the spark code" in c.args["text"]]
    )
    assert note.args["thread_ts"] == CARD_TS and note.args["channel"] == CHANNEL_ID
    assert check_blocks(note.args["blocks"]) is None
    assert len(alerts(server)) == 1  # edited, not posted again
    video = await the_video(server)
    assert (video.spark_code, video.status) == (CODE, VideoStatus.AUTHORIZED)


async def test_a_late_code_after_a_review_keeps_who_decided(server: RunningServer) -> None:
    project = await project_with_card(server)
    assert await deliver(server, project, spark_code="") == 200
    (alert,) = await wait_until(lambda: alerts(server))
    video = await the_video(server)
    await server.slack.block_action(VIDEO_APPROVE, value=str(video.id))
    await wait_until(edits_of(server, alert.answer["ts"]))

    assert await deliver(server, project, spark_code=CODE) == 200

    _review, code = await wait_until(edits_of(server, alert.answer["ts"]), 2)
    edited = blocks_text(code.args["blocks"])
    assert "Received · authorized" in edited and f"Approved by <@{USER_ID}>" in edited


async def test_a_code_already_given_with_another_video_of_another_project_is_refused(
    server: RunningServer,
) -> None:
    first = await project_with_card(server)
    async with server.sessions.begin() as session:
        second = await make_project(session, workspace=await make_workspace(session))
    assert await deliver(server, first, spark_code=CODE) == 200

    other = "https://www.tiktok.com/@glow.maker/video/7301234567890199999"
    async with aiohttp.ClientSession() as client:
        data = {
            "url": other,
            "creator_handle": "glow.maker",
            "creator_email": "maker@example.com",
            "spark_code": CODE,
            "form_token": server.runner.app[FORM_TOKENS_KEY].issue(second.invite_token),
        }
        async with client.post(f"{server.url}/i/{second.invite_token}", data=data) as response:
            status, page = response.status, await response.text()

    assert status == 422
    assert "already given with another video" in page
    async with server.sessions() as session:
        assert len((await session.execute(select(Video))).scalars().all()) == 1


async def test_the_card_counts_what_is_to_review(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        first = await make_video(session, project=project)
        await make_video(session, project=project, review_state=ReviewState.REJECTED)
        await make_video(session, project=project)

    await server.slack.block_action(VIDEO_APPROVE, value=str(first.id))

    (card,) = await wait_until(
        lambda: [c for c in server.fake.of("chat.postMessage") if c.args["text"].startswith("Lite project")]
    )
    assert "3 delivered · 0 authorized · 1 to review" in blocks_text(card.args["blocks"])
    review = [e for b in card.args["blocks"] if b["type"] == "actions" for e in b["elements"]][-1]
    assert (review["text"]["text"], review["action_id"]) == ("Review 1", VIDEO_LIST_TO_REVIEW)
    await server.slack.command("show summer glow")
    shown = await last_respond(server)
    assert "1 to review" in blocks_text(shown.args["blocks"])
