"""The creator's linking request page `/a/{token}`, through the real server."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import aiohttp
from sqlalchemy import select
from sqlmodel import col

from bot.portal.routes import FORM_TOKENS_KEY
from storage.models import LinkingRequest, LinkingRequestStatus, LiteProject, Video, VideoStatus
from tests.factories import new_linking_request
from tests.harness.server import RunningServer


@dataclass
class Page:
    status: int
    text: str
    headers: dict[str, str]


async def fetch(method: str, url: str, **kwargs: Any) -> Page:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, allow_redirects=False, **kwargs) as response:
            return Page(response.status, await response.text(), dict(response.headers))


async def new_request(server: RunningServer, *, created: dt.datetime | None = None) -> LinkingRequest:
    return await new_linking_request(server.sessions, urls=PASTE, link_name="Summer <glow>", created=created)


async def post(server: RunningServer, token: str, *, form_token: str | None = "", **fields: str) -> Page:
    data = dict(fields)
    if form_token == "":
        form_token = server.runner.app[FORM_TOKENS_KEY].issue(token)
    if form_token is not None:
        data["form_token"] = form_token
    return await fetch("POST", f"{server.url}/a/{token}", data=data)


async def stored(server: RunningServer) -> tuple[LinkingRequest, list[Video]]:
    async with server.sessions() as session:
        request = (await session.execute(select(LinkingRequest))).scalar_one()
        videos = (await session.execute(select(Video).order_by(col(Video.id)))).scalars().all()
        return request, list(videos)


async def test_the_page_shows_the_brand_the_project_and_each_video(server: RunningServer) -> None:
    request = await new_request(server)

    page = await fetch("GET", f"{server.url}/a/{request.token}")

    assert page.status == 200
    assert "GlowCo" in page.text and "@glowco.com" in page.text
    assert "Summer &lt;glow&gt;" in page.text and "<glow>" not in page.text  # escaped
    assert f"https://www.tiktok.com/@glow.maker/video/{VIDEO_A}" in page.text
    assert 'name="spark_code_0"' in page.text and 'name="spark_code_1"' in page.text
    # Decline asks once more: a link to a confirmation, whose button sends the answer
    assert f'href="/a/{request.token}?decline=1#decline"' in page.text
    assert 'value="decline"' not in page.text
    confirm = await fetch("GET", f"{server.url}/a/{request.token}?decline=1")
    assert "Decline this request?" in confirm.text and 'value="decline"' in confirm.text
    assert page.headers["X-Frame-Options"] == "DENY" and "<script" not in page.text


async def test_accepting_with_a_code_per_video_authorizes_them(server: RunningServer) -> None:
    request = await new_request(server)

    page = await post(server, request.token, answer="accept", spark_code_0=CODE_A, spark_code_1=CODE_B)

    assert page.status == 200 and "2 videos authorized" in page.text
    stored_request, videos = await stored(server)
    assert stored_request.status == LinkingRequestStatus.ACCEPTED
    assert [(v.status, v.spark_code) for v in videos] == [
        (VideoStatus.AUTHORIZED, CODE_A),
        (VideoStatus.AUTHORIZED, CODE_B),
    ]
    again = await fetch("GET", f"{server.url}/a/{request.token}")
    assert "You authorized these videos" in again.text and 'name="spark_code_0"' not in again.text


async def test_a_missing_code_shows_the_form_again_with_what_was_typed(server: RunningServer) -> None:
    request = await new_request(server)

    page = await post(server, request.token, answer="accept", spark_code_0=CODE_A, spark_code_1="")

    assert page.status == 422
    assert "Enter this video&#39;s spark code" in page.text
    assert f'value="{CODE_A}"' in page.text.replace("&#43;", "+")
    _, videos = await stored(server)
    assert {v.status for v in videos} == {VideoStatus.PENDING_AUTHORIZATION}


async def test_a_request_is_answered_once(server: RunningServer) -> None:
    request = await new_request(server)
    first = await post(server, request.token, answer="decline")

    second = await post(server, request.token, answer="accept", spark_code_0=CODE_A, spark_code_1=CODE_B)

    assert first.status == 200 and "You declined" in first.text
    assert second.status == 409 and "You declined this request" in second.text
    stored_request, videos = await stored(server)
    assert stored_request.status == LinkingRequestStatus.DECLINED
    assert {(v.status, v.spark_code) for v in videos} == {(VideoStatus.DECLINED, None)}


async def test_an_expired_request_says_so_and_refuses_answers(server: RunningServer) -> None:
    request = await new_request(server, created=dt.datetime.now(dt.UTC) - dt.timedelta(days=30, minutes=1))

    page = await fetch("GET", f"{server.url}/a/{request.token}")
    answer = await post(server, request.token, answer="decline")

    assert (
        page.status == 200 and "This request has expired" in page.text and 'value="decline"' not in page.text
    )
    assert answer.status == 409 and "This request has expired" in answer.text
    stored_request, _ = await stored(server)
    assert stored_request.status == LinkingRequestStatus.PENDING and stored_request.answered_at is None


async def test_without_the_form_token_nothing_happens(server: RunningServer) -> None:
    request = await new_request(server)

    page = await post(server, request.token, form_token=None, answer="decline")

    assert page.status == 403
    stored_request, _ = await stored(server)
    assert stored_request.status == LinkingRequestStatus.PENDING


async def test_unknown_tokens_get_the_generic_page(server: RunningServer) -> None:
    for token in ("x" * 32, "short", "..%2F..%2Fetc"):
        page = await fetch("GET", f"{server.url}/a/{token}")
        assert page.status == 404
    answer = await post(server, "x" * 32, answer="decline")
    assert answer.status == 404


VIDEO_A = "7301234567890123456"
VIDEO_B = "7301234567890123457"
CODE_A = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
CODE_B = "#Zx9Qm2LpT7rVbN4kWc8YhJd3FsA6uGe1Oi5Rn0Ht+Kq="
PASTE = "\n".join(
    [
        f"https://www.tiktok.com/@glow.maker/video/{VIDEO_A}",
        f"https://www.tiktok.com/@glow.maker/video/{VIDEO_B}",
    ]
)


async def test_a_paused_projects_request_says_so_and_takes_no_answer_until_resumed(
    server: RunningServer,
) -> None:
    request = await new_request(server)
    async with server.sessions.begin() as session:
        project = (await session.execute(select(LiteProject))).scalar_one()
        project.active = False

    page = await fetch("GET", f"{server.url}/a/{request.token}")
    accepted = await post(server, request.token, answer="accept", spark_code_0=CODE_A, spark_code_1=CODE_B)
    declined = await post(server, request.token, answer="decline")

    assert page.status == 200
    assert "is paused" in page.text and 'name="spark_code_0"' not in page.text
    assert (accepted.status, declined.status) == (409, 409)
    assert "is paused" in accepted.text and "nothing was sent" in accepted.text
    stored_request, videos = await stored(server)
    assert stored_request.status == LinkingRequestStatus.PENDING
    assert all(video.spark_code is None for video in videos)

    async with server.sessions.begin() as session:
        project = (await session.execute(select(LiteProject))).scalar_one()
        project.active = True
    resumed = await post(server, request.token, answer="accept", spark_code_0=CODE_A, spark_code_1=CODE_B)
    assert resumed.status == 200
