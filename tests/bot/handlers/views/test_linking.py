"""Linking requests from Slack: paste, select, confirm, and the answers flowing back to the channel."""

from __future__ import annotations

import json
import re
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.blocks.videos import VIDEO_DETAILS
from bot.portal.routes import FORM_TOKENS_KEY
from storage.models import LinkingRequest, Video, VideoStatus
from tests.bot.handlers.helpers import (
    EXISTING,
    MIXED,
    VIDEO_A,
    VIDEO_B,
    VIDEO_C,
    open_paste_modal,
    paste,
    project_with_one_video,
    select_and_confirm,
)
from tests.factories import rows
from tests.harness.fake_slack import check_view
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID


async def videos_of(server: RunningServer) -> dict[str, Video]:
    async with server.sessions() as session:
        return {v.video_key: v for v in (await session.execute(select(Video))).scalars().all()}


async def answer_on_page(server: RunningServer, token: str, **fields: str) -> tuple[int, str]:
    data = {"form_token": server.runner.app[FORM_TOKENS_KEY].issue(token), **fields}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{server.url}/a/{token}", data=data) as response:
            return response.status, await response.text()


def texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks)


CODE_A = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
CODE_B = "#Zx9Qm2LpT7rVbN4kWc8YhJd3FsA6uGe1Oi5Rn0Ht+Kq="


async def test_paste_select_confirm_posts_one_link_per_creator(linking_server: RunningServer) -> None:
    server = linking_server
    project = await project_with_one_video(server)

    view = await open_paste_modal(server)
    assert view["callback_id"] == "linking_paste" and check_view(view) is None
    answer = await paste(server, project, MIXED)

    assert answer.json["response_action"] == "update"
    select_view = answer.json["view"]
    assert select_view["callback_id"] == "linking_select"
    options = [
        o["value"] for b in select_view["blocks"] if b["type"] == "input" for o in b["element"]["options"]
    ]
    assert options == [VIDEO_A, VIDEO_B, VIDEO_C]
    rendered = texts(select_view["blocks"])
    assert "Line 3" in rendered and "photo post" in rendered  # invalid lines reported inline
    assert "Line 4" in rendered and "Already in this project" in rendered  # the project's own video
    assert "Pasted twice" in rendered

    confirmed = await select_and_confirm(server, select_view, [VIDEO_A, VIDEO_C])

    assert confirmed.json["response_action"] == "update"
    requests = await rows(server.sessions, LinkingRequest)
    assert [(r.creator_handle, len(r.token)) for r in requests] == [("glow.maker", 32), ("sun.daze", 32)]
    links = [f"{server.url}/a/{r.token}" for r in requests]
    assert all(link in texts(confirmed.json["view"]["blocks"]) for link in links)
    await server.settle()
    posts = {call.args["channel"]: call.args for call in server.fake.of("chat.postMessage")}
    assert sorted(posts) == sorted([CHANNEL_ID, USER_ID])
    # the links are bearer secrets: a direct message to the sender, a count in the project's thread
    assert all(link in posts[USER_ID]["text"] for link in links)
    thread = json.dumps(posts[CHANNEL_ID], ensure_ascii=False)
    assert "/a/" not in thread and "sent 2 linking requests (@glow.maker, @sun.daze)" in thread
    stored = await videos_of(server)
    assert VIDEO_B not in stored  # left unselected
    assert stored[VIDEO_A].status == VideoStatus.PENDING_AUTHORIZATION


async def test_nothing_valid_is_an_inline_error(linking_server: RunningServer) -> None:
    project = await project_with_one_video(linking_server)

    answer = await paste(
        linking_server, project, f"nope\nhttps://www.tiktok.com/@old.friend/video/{EXISTING}"
    )

    assert answer.json["response_action"] == "errors"
    assert (
        "Line 1" in answer.json["errors"]["urls"]
        and "Already in this project" in answer.json["errors"]["urls"]
    )


async def test_selecting_nothing_is_an_inline_error(linking_server: RunningServer) -> None:
    project = await project_with_one_video(linking_server)
    select_view = (await paste(linking_server, project, MIXED)).json["view"]

    answer = await select_and_confirm(linking_server, select_view, [])

    assert answer.json["response_action"] == "errors"
    assert answer.json["errors"] == {"videos_0": "Select at least one video to add."}
    assert await rows(linking_server.sessions, LinkingRequest) == []


async def test_accepted_on_the_page_the_channel_hears_and_the_list_shows_authorized(
    linking_server: RunningServer,
) -> None:
    server = linking_server
    project = await project_with_one_video(server)
    select_view = (await paste(server, project, MIXED)).json["view"]
    await select_and_confirm(server, select_view, [VIDEO_A, VIDEO_B])
    (request,) = await rows(server.sessions, LinkingRequest)
    await server.fake.wait_for("chat.postMessage")

    status, _ = await answer_on_page(
        server, request.token, answer="accept", spark_code_0=CODE_A, spark_code_1=CODE_B
    )

    assert status == 200
    await server.settle()
    alerts = [c for c in server.fake.of("chat.postMessage") if "authorized 2 videos" in c.args["text"]]
    assert len(alerts) == 1 and alerts[0].args["channel"] == CHANNEL_ID
    stored = await videos_of(server)
    assert (stored[VIDEO_A].status, stored[VIDEO_A].spark_code) == (VideoStatus.AUTHORIZED, CODE_A)

    await server.slack.command("videos Summer glow")
    (opened,) = await server.fake.wait_for("views.open")
    listing = texts(opened.args["view"]["blocks"])
    assert listing.count("Authorized") >= 2 and "Linking request" in listing and "until <!date^" in listing

    await server.slack.block_action(VIDEO_DETAILS, value=str(stored[VIDEO_A].id))
    details = (await server.fake.wait_for("views.open", 2))[1].args["view"]
    sections = [b["text"]["text"] for b in details["blocks"] if b["type"] == "section" and "text" in b]
    assert f"```{CODE_A}```" in sections


async def test_declined_on_the_page_the_channel_hears(linking_server: RunningServer) -> None:
    server = linking_server
    project = await project_with_one_video(server)
    select_view = (await paste(server, project, MIXED)).json["view"]
    await select_and_confirm(server, select_view, [VIDEO_C])
    (request,) = await rows(server.sessions, LinkingRequest)

    status, _ = await answer_on_page(server, request.token, answer="decline")
    again, page = await answer_on_page(server, request.token, answer="accept", spark_code_0=CODE_A)

    assert status == 200
    assert again == 409 and "You declined this request" in page
    await server.settle()
    declined = [c for c in server.fake.of("chat.postMessage") if "declined" in c.args["text"]]
    assert len(declined) == 1 and "@sun.daze" in declined[0].args["text"]
    assert (await videos_of(server))[VIDEO_C].status == VideoStatus.DECLINED


async def test_the_links_in_the_senders_dm_open_the_creators_page(linking_server: RunningServer) -> None:
    project = await project_with_one_video(linking_server)
    select_view = (await paste(linking_server, project, MIXED)).json["view"]
    await select_and_confirm(linking_server, select_view, [VIDEO_C])
    await linking_server.settle()
    (post,) = [call for call in linking_server.fake.of("chat.postMessage") if call.args["channel"] == USER_ID]

    (link,) = re.findall(r"http://127\.0\.0\.1:\d+/a/[A-Za-z0-9_-]+", post.args["text"])
    async with aiohttp.ClientSession() as session, session.get(link) as response:
        page = await response.text()

    assert response.status == 200
    assert "Summer glow" in page and f"https://www.tiktok.com/@sun.daze/video/{VIDEO_C}" in page
