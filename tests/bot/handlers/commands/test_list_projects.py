"""`/liteproject list`: pages past the first ten, and answers in the ack from pages kept until
something they show changes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import event

from bot.app import ENGINE_KEY
from bot.services import assets
from bot.services.workspaces import Actor
from bot.shedding import WORK_LIMIT_KEY, WorkLimit
from tests.bot.handlers.helpers import text_of
from tests.factories import make_delivery, make_project, make_workspace
from tests.harness.fake_slack import TEAM_ID, FakeSlack
from tests.harness.server import RunningServer, start_server
from tests.harness.slack_requests import USER_ID


def answer_text(answer: Any) -> str:
    return json.dumps(answer.json, ensure_ascii=False)


def find_element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} in {blocks}")


async def test_a_repeated_sqlite_list_is_answered_without_reading_the_database(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_project(session, workspace=await make_workspace(session), link_name="Glow week")
    first = await server.slack.command("list")
    statements: list[str] = []
    engine = server.runner.app[ENGINE_KEY].sync_engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        second = await server.slack.command("list")
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    assert "Glow week" in answer_text(second)
    assert second.json == first.json
    # the dispatcher and job runner poll on their own meanwhile, and the request's signature is
    # remembered (replays are refused); what the listing shows is read from none of the tables
    shown = ("lite_projects", "videos", "brand_profiles")
    assert [statement for statement in statements if any(table in statement for table in shown)] == []
    assert server.fake.of("respond") == []  # nothing posted later to response_url


async def test_every_change_a_list_shows_reaches_the_next_list(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        project = await make_project(session, workspace=workspace, link_name="Glow week")
    assert "0 delivered" in answer_text(await server.slack.command("list"))

    # a creator delivers: the counts change
    async with server.sessions.begin() as session:
        await make_delivery(session, project=project)
    after_delivery = answer_text(await server.slack.command("list"))
    assert "1 delivered" in after_delivery and "Active" in after_delivery

    # paused through Slack
    await server.slack.command("pause Glow week")
    (told,) = await server.fake.wait_for("respond")  # the pause happens after its ack
    assert "Paused" in told.args["text"]
    assert "Paused" in answer_text(await server.slack.command("list"))

    # the brand renamed
    actor = Actor(team_id=TEAM_ID, user_id=USER_ID)
    async with server.sessions.begin() as session:
        await assets.update_brand(
            session,
            actor=actor,
            brand_id=project.brand_id,
            draft=assets.BrandDraft(
                # a brand in use keeps its website's domain (creators were told to trust it)
                name="Shine Labs",
                website="https://glowco.com",
                contact_email="hi@glowco.com",
            ),
        )
    assert "Shine Labs" in answer_text(await server.slack.command("list"))


async def test_a_change_rolled_back_keeps_the_kept_page(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, workspace=await make_workspace(session), link_name="Glow week")
    first = await server.slack.command("list")

    class Undo(Exception):
        pass

    try:
        async with server.sessions.begin() as session:
            await make_delivery(session, project=project)
            raise Undo
    except Undo:
        pass

    assert (await server.slack.command("list")).json == first.json


async def test_list_pages_past_the_first_ten(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        for number in range(12):
            await make_project(session, workspace=workspace, link_name=f"Project {number:02d}")

    answer = await server.slack.command("list")
    first = answer.json  # the listing is the ack itself
    assert first["response_type"] == "ephemeral"
    assert "1–10 of 12" in text_of(first["blocks"])
    next_button = find_element(first["blocks"], "project_list_page_next")

    await server.slack.block_action("project_list_page_next", value=next_button["value"])

    (second,) = await server.fake.wait_for("respond")
    assert "11–12 of 12" in text_of(second.args["blocks"])
    assert "Project 00" in second.args["text"]


async def test_list_of_an_empty_workspace_says_how_to_start(server: RunningServer) -> None:
    answer = await server.slack.command("list")

    assert "/liteproject create" in answer.json["text"]


async def test_a_kept_page_is_answered_as_bolt_answers_the_first(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_project(session, workspace=await make_workspace(session), link_name="Glow “week”")
    first = await server.slack.command("list")  # read and kept
    second = await server.slack.command("list")  # from the kept page

    for answer in (first, second):
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "application/json"
        # the message's own fields, in the order Bolt writes them, as json.dumps writes them
        assert list(answer.json) == ["text", "response_type", "blocks"]
        assert answer.text == json.dumps(answer.json)
        assert "Glow \\u201cweek\\u201d" in answer.text
    assert second.text == first.text


@pytest.mark.backends("sqlite")  # on PostgreSQL no page is kept: another replica may change it
async def test_a_kept_page_is_answered_without_running_the_listener(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with server.sessions.begin() as session:
        await make_project(session, workspace=await make_workspace(session), link_name="Glow week")
    runs: list[object] = []
    enter = WorkLimit.__aenter__

    async def counted(self: WorkLimit) -> None:
        runs.append(self)
        await enter(self)

    # every listener run takes a slot of the work limit (bot/handlers/errors.py: guard)
    monkeypatch.setattr(WorkLimit, "__aenter__", counted)

    first = await server.slack.command("list")  # read by the listener, and kept
    kept = [await server.slack.command(text) for text in ("list", "projects", "  LIST  ")]

    assert len(runs) == 1
    assert [(answer.status, answer.text) for answer in kept] == [(200, first.text)] * 3
    assert {answer.headers["Content-Type"] for answer in kept} == {"application/json"}
    assert "Glow week" in first.text

    # a change since: the listener reads the page again
    await server.slack.command("pause Glow week")
    await server.fake.wait_for("respond")
    assert "Paused" in answer_text(await server.slack.command("list"))
    assert len(runs) == 3


async def test_a_kept_page_past_capacity_is_told_busy_like_any_command(
    fake_slack: FakeSlack, database_url: str
) -> None:
    tiny = await start_server(fake_slack, database_url, slack_work_concurrency=1)
    try:
        async with tiny.sessions.begin() as session:
            await make_project(session, workspace=await make_workspace(session), link_name="Glow week")
        assert "Glow week" in answer_text(await tiny.slack.command("list"))  # kept

        async with tiny.runner.app[WORK_LIMIT_KEY]:  # the one slot is taken by work in progress
            busy = await tiny.slack.command("list")

        assert "busy" in busy.json["text"]
        assert "Glow week" in answer_text(await tiny.slack.command("list"))
    finally:
        await tiny.stop()
