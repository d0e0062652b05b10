"""One place to review, and one spark-code life: through the real server, the dispatcher and the
fake Slack (alerts edited in place, thread notes, the details modal, the digest's button, help)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.blocks.digests import render_delivery_digest
from bot.blocks.videos import (
    VIDEO_APPROVE,
    VIDEO_COPY_SPARK_CODE,
    VIDEO_DETAILS,
    VIDEO_LIST_FILTER,
    VIDEO_LIST_TO_REVIEW,
    VIDEO_REJECT,
)
from bot.portal.routes import FORM_TOKENS_KEY
from storage.models import LiteProject, ReviewState, Video, VideoStatus
from tests.factories import make_project, make_video, make_workspace
from tests.harness.fake_slack import Call, check_blocks, check_view
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID

VIDEO_ID = "7301234567890123456"
URL = f"https://www.tiktok.com/@glow.maker/video/{VIDEO_ID}"
CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
CARD_TS = "1700000000.000100"
BOB = "U0BOB0001"


async def project_with_card(server: RunningServer, **kwargs: Any) -> LiteProject:
    """A project whose card is already in its channel, so its events go in the card's thread."""
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow", **kwargs)
        project.card_channel_id = project.channel_id
        project.card_ts = CARD_TS
        return project


async def deliver(server: RunningServer, project: LiteProject, **fields: str) -> int:
    data = {"url": URL, "creator_handle": "@glow.maker", "creator_email": "maker@example.com"}
    data.update(fields)
    data["form_token"] = server.runner.app[FORM_TOKENS_KEY].issue(project.invite_token)
    async with aiohttp.ClientSession() as client:
        async with client.post(f"{server.url}/i/{project.invite_token}", data=data) as response:
            return response.status


async def wait_until(found: Callable[[], list[Call]], count: int = 1) -> list[Call]:
    for _ in range(200):
        calls = found()
        if len(calls) >= count:
            return calls
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} calls, got {found()}")


def alerts(server: RunningServer) -> list[Call]:
    return [
        c for c in server.fake.of("chat.postMessage") if str(c.args.get("text", "")).startswith("New video")
    ]


def edits_of(server: RunningServer, ts: str) -> Callable[[], list[Call]]:
    return lambda: [c for c in server.fake.of("chat.update") if c.args.get("ts") == ts]


async def the_video(server: RunningServer) -> Video:
    async with server.sessions() as session:
        (video,) = (await session.execute(select(Video))).scalars().all()
        return video


def blocks_text(blocks: Any) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def button_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


# --- one spark-code life --------------------------------------------------------------------------


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


# --- one place to review --------------------------------------------------------------------------


async def test_details_carry_review_buttons_and_the_email_for_managers_only(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        video = await make_video(session, project=project, spark_code=CODE)

    await server.slack.block_action(VIDEO_DETAILS, value=str(video.id))
    await server.slack.block_action(VIDEO_DETAILS, value=str(video.id), user_id=BOB)

    mine, bobs = await server.fake.wait_for("views.open", 2)
    for opened in (mine, bobs):
        assert check_view(opened.args["view"]) is None
    assert button_ids(mine.args["view"]["blocks"]) == [VIDEO_COPY_SPARK_CODE, VIDEO_APPROVE, VIDEO_REJECT]
    assert "glowmaker@example.com" in blocks_text(mine.args["view"])
    assert button_ids(bobs.args["view"]["blocks"]) == []
    assert "glowmaker@example.com" not in blocks_text(bobs.args["view"])
    assert "For the project's managers" in blocks_text(bobs.args["view"])


async def test_approving_in_details_updates_the_modal_and_the_posted_alert(server: RunningServer) -> None:
    project = await project_with_card(server)
    assert await deliver(server, project, spark_code=CODE) == 200
    (alert,) = await wait_until(lambda: alerts(server))
    video = await the_video(server)
    details = {"id": "V0DETAILS", "hash": "h1", "type": "modal", "callback_id": "video_details"}

    await server.slack.block_action(VIDEO_APPROVE, value=str(video.id), view=details)

    (updated,) = await server.fake.wait_for("views.update")
    assert updated.args["view_id"] == "V0DETAILS" and updated.args["hash"] == "h1"
    assert ":white_check_mark: Approved" in blocks_text(updated.args["view"])
    assert button_ids(updated.args["view"]["blocks"]) == [VIDEO_COPY_SPARK_CODE, VIDEO_REJECT]
    (edit,) = await wait_until(edits_of(server, alert.answer["ts"]))
    assert f"Approved by <@{USER_ID}>" in blocks_text(edit.args["blocks"])
    assert (await the_video(server)).review_state == ReviewState.APPROVED
    assert not server.fake.of("respond")


async def test_copy_spark_code_in_details_pushes_the_code_alone(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session)
        video = await make_video(session, project=project, spark_code=CODE)
    details = {"id": "V0DETAILS", "hash": "h1", "type": "modal", "callback_id": "video_details"}

    await server.slack.block_action(VIDEO_COPY_SPARK_CODE, value=str(video.id), view=details)

    (pushed,) = await server.fake.wait_for("views.push")
    (section,) = pushed.args["view"]["blocks"]
    assert section["text"]["text"] == CODE


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


async def last_respond(server: RunningServer) -> Call:
    calls = await wait_until(
        lambda: [c for c in server.fake.of("respond") if "Invite link" in blocks_text(c.args.get("blocks"))]
    )
    return calls[-1]


async def test_the_digest_has_a_review_these_button_that_opens_what_is_to_review(
    server: RunningServer,
) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        videos = [await make_video(session, project=project) for _ in range(6)]
        await make_video(
            session, project=project, creator_handle="done.one", review_state=ReviewState.APPROVED
        )
    digest = render_delivery_digest([(project, video) for video in videos])
    assert check_blocks(digest["blocks"]) is None
    (button,) = [e for b in digest["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["text"]["text"] == "Review these" and button["value"] == str(project.id)

    await server.slack.block_action(button["action_id"], value=button["value"])

    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert "6 videos to review" in blocks_text(view) and "@done.one" not in blocks_text(view)
    select_ = next(b for b in view["blocks"] if b["type"] == "actions")["elements"][0]
    assert select_["action_id"] == VIDEO_LIST_FILTER and select_["initial_option"]["value"] == "to_review"
    assert button["action_id"].startswith(VIDEO_LIST_TO_REVIEW)


async def test_help_videos_explains_the_words(server: RunningServer) -> None:
    answer = await server.slack.command("help videos")

    text = answer.json["text"]
    for word in ("*delivered*", "*authorized*", "*approved*", "*rejected*", "*expired*", "*to review*"):
        assert word in text
    assert "estimated" in text
