"""Past capacity the server sheds: a quick "busy" to Slack commands, a 503 to creator pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import aiohttp
import pytest
from sqlmodel import select

from bot.shedding import PAGE_LIMIT_KEY, WORK_LIMIT_KEY
from storage.models import LiteProject, Video
from tests.factories import make_project, make_workspace
from tests.harness.fake_slack import FakeSlack
from tests.harness.server import RunningServer, start_server


@pytest.fixture
async def tiny(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[RunningServer]:
    running = await start_server(
        fake_slack, database_url, slack_work_concurrency=1, creator_page_concurrency=1
    )
    yield running
    await running.stop()


async def a_project(server: RunningServer) -> LiteProject:
    async with server.sessions.begin() as session:
        return await make_project(session, workspace=await make_workspace(session), link_name="Glow week")


async def test_a_command_past_capacity_is_told_busy_and_nothing_runs(tiny: RunningServer) -> None:
    await a_project(tiny)
    limit = tiny.runner.app[WORK_LIMIT_KEY]

    async with limit:  # the one slot is taken by work in progress
        busy = await tiny.slack.command("pause Glow week")

    assert busy.status == 200
    assert busy.json["response_type"] == "ephemeral"
    assert "busy" in busy.json["text"] and "Try again in a moment" in busy.json["text"]
    async with tiny.sessions() as session:
        (project,) = (await session.execute(select(LiteProject))).scalars().all()
    assert project.active  # not paused: the command didn't run
    metrics = await get(tiny, "/metrics")
    assert 'liteproject_shed_requests_total{surface="command"}' in metrics[1]

    # with the slot free again the same command runs
    listing = await tiny.slack.command("list")
    assert "Glow week" in listing.text


async def test_a_button_past_capacity_waits_its_turn_then_runs(tiny: RunningServer) -> None:
    await a_project(tiny)
    limit = tiny.runner.app[WORK_LIMIT_KEY]

    async with limit:
        pressed = asyncio.create_task(tiny.slack.block_action("project_list_page_next", value="0"))
        while not limit.waiting:  # the button's run has arrived and queues for the slot
            await asyncio.sleep(0.01)
        assert tiny.fake.of("respond") == []  # nothing of it ran while the slot was taken

    answer = await pressed
    (page,) = await tiny.fake.wait_for("respond")
    assert answer.status == 200
    assert "Glow week" in page.args["text"]


async def test_a_creator_page_past_capacity_answers_503_with_retry_after(tiny: RunningServer) -> None:
    project = await a_project(tiny)
    pages = tiny.runner.app[PAGE_LIMIT_KEY]

    pages.in_progress += 1  # one creator request in progress fills the page capacity
    try:
        status, body, headers = await post(
            tiny,
            f"/i/{project.invite_token}",
            {"url": "https://www.tiktok.com/@maker/video/7300000000000000001", "creator_handle": "maker"},
        )
    finally:
        pages.in_progress -= 1

    assert status == 503
    assert headers["Retry-After"] == "2"
    assert "nothing was sent" in body and "Back button" in body
    assert headers.get("X-Content-Type-Options") == "nosniff"
    async with tiny.sessions() as session:
        assert (await session.execute(select(Video))).scalars().all() == []
    # and once the request in progress is done, the page answers again
    status, body, _ = await get(tiny, f"/i/{project.invite_token}")
    assert status == 200 and "Glow week" in body


async def get(server: RunningServer, path: str) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as session, session.get(server.url + path) as response:
        return response.status, await response.text(), dict(response.headers)


async def post(server: RunningServer, path: str, form: dict[str, str]) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as session:
        data = urlencode(form)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        async with session.post(server.url + path, data=data, headers=headers) as response:
            return response.status, await response.text(), dict(response.headers)


async def test_the_busy_page_speaks_the_creators_language(tiny: RunningServer) -> None:
    project = await a_project(tiny)
    pages = tiny.runner.app[PAGE_LIMIT_KEY]

    pages.in_progress += 1
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                f"{tiny.url}/i/{project.invite_token}", headers={"Accept-Language": "pt-BR,pt;q=0.9"}
            ) as response,
        ):
            status, body, headers = response.status, await response.text(), dict(response.headers)
    finally:
        pages.in_progress -= 1

    assert status == 503 and headers["Content-Language"] == "pt-BR"
    assert "Só um momento" in body and "nada foi enviado" in body
