"""A hostile project name, brand name and creator handle pushed through every renderer the server
uses and every Slack call the fake records: nothing reaches Slack as markup (no @channel, no
disguised link), and text with control or format characters is refused wherever it is typed."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import DISPATCHER_KEY
from bot.blocks.assets import BRAND_ADD
from bot.blocks.videos import VIDEO_DETAILS
from bot.services.notices import NoticeKind, queue_card_refresh, queue_notice
from storage.models import BrandProfile, LiteProject, Video
from tests.bot.handlers.helpers import METADATA, brand_values
from tests.factories import make_brand, make_project, make_video, make_workspace
from tests.harness.server import RunningServer

HOSTILE = "<!channel> <https://evil.example|x> & <@U0VICTIM1>"
NAME = f"Glow {HOSTILE}"
# what must never reach Slack where it is read as markup
MARKUP = ("<!channel>", "<https://evil.example", "<@U0VICTIM1>")
# values Slack shows as typed (plain_text objects, input values), never as markup
PLAIN_KEYS = {"initial_value", "value", "private_metadata", "placeholder"}


def markup_leaks(value: Any, path: str = "") -> list[str]:
    """Where `value` carries hostile markup in a place Slack reads markup."""
    if isinstance(value, dict):
        if value.get("type") == "plain_text":
            return []
        found = []
        for key, item in value.items():
            if key in PLAIN_KEYS:
                continue
            if key == "blocks" and isinstance(item, str):
                item = json.loads(item)
            found += markup_leaks(item, f"{path}.{key}")
        return found
    if isinstance(value, list):
        return [leak for index, item in enumerate(value) for leak in markup_leaks(item, f"{path}[{index}]")]
    if isinstance(value, str) and any(mark in value for mark in MARKUP):
        return [f"{path}: {value[:200]!r}"]
    return []


async def hostile_project(server: RunningServer) -> tuple[LiteProject, Video]:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        brand = await make_brand(session, workspace=workspace, name=f"Brand {HOSTILE}"[:100])
        project = await make_project(session, workspace=workspace, link_name=NAME, brand=brand)
        video = await make_video(session, project=project, creator_handle="<!here>&<https://evil.example|y>")
        await queue_card_refresh(session, project=project, reason="created")
        await queue_notice(
            session,
            project=project,
            kind=NoticeKind.VIDEO_DELIVERED,
            dedup_key=f"video-delivered:{video.id}",
            video_id=video.id,
        )
    return project, video


async def test_hostile_names_reach_no_slack_call_as_markup(server: RunningServer) -> None:
    _, video = await hostile_project(server)
    server.runner.app[DISPATCHER_KEY].wake()
    await server.fake.wait_for("chat.postMessage", 2)
    answers = []
    for command in (
        "list",
        "show glow",
        "link glow",
        "videos glow",
        "history glow",
        "export glow",
        "pause glow",
        "resume glow",
        "status",
        "subscribe glow",
        "subscriptions",
        "brands",
        "edit glow",
    ):
        answers.append((command, (await server.slack.command(command)).json))
    answers.append(("details", (await server.slack.block_action(VIDEO_DETAILS, value=str(video.id))).json))
    await server.settle()
    await asyncio.sleep(0.3)

    leaks = [f"ack of {command}{leak}" for command, answer in answers for leak in markup_leaks(answer)]
    for call in server.fake.calls:
        leaks += [f"{call.method}{leak}" for leak in markup_leaks(call.args)]
    called = {call.method for call in server.fake.calls}

    assert {"chat.postMessage", "chat.update", "files.completeUploadExternal", "respond"} <= called
    assert not leaks, "\n".join(leaks)


def test_the_leak_finder_finds_markup_where_slack_reads_it() -> None:
    # the check above is only worth something if it can fail
    assert markup_leaks({"text": "hi <!channel>"})
    assert markup_leaks(
        {"blocks": json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": "<@U0VICTIM1>"}}])}
    )
    assert not markup_leaks({"type": "plain_text", "text": "<!channel>"})
    assert not markup_leaks({"text": "&lt;!channel&gt;"})


@pytest.mark.parametrize(
    "name",
    ["Summer\u202eglow", "\u200b\u200b\u200b", "Summer\x00glow", "Sum\u2066mer"],
    ids=["right-to-left override", "zero-width spaces", "NUL", "isolate"],
)
async def test_control_and_format_characters_are_refused_in_a_modal(server: RunningServer, name: str) -> None:
    answer = await server.slack.view_submission(BRAND_ADD, brand_values(name=name), private_metadata=METADATA)

    assert answer.status == 200
    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {"name"}
    assert "invisible" in answer.json["errors"]["name"]
    async with server.sessions() as session:
        assert (await session.execute(select(BrandProfile))).scalars().all() == []


async def test_control_and_format_characters_are_refused_in_a_command(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_project(session, link_name="Summer glow")

    answer = await server.slack.command("pause summer\u202e glow")

    assert answer.status == 200
    assert "U+202E" in answer.json["text"]
    async with server.sessions() as session:
        assert all(project.active for project in (await session.execute(select(LiteProject))).scalars())


@pytest.mark.parametrize("field", ["creator_handle", "creator_email", "url"])
async def test_control_and_format_characters_are_refused_on_the_creator_page(
    server: RunningServer, field: str
) -> None:
    from tests.bot.portal.test_routes import URL, new_project, stored_videos, submit

    project = await new_project(server)
    typed = {
        "creator_handle": "@glow\u200b.maker",
        "creator_email": "maker\x00@example.com",
        "url": URL + "\u202e",
    }

    page = await submit(server, project.invite_token, **{field: typed[field]})

    assert page.status == 422
    assert "invisible or control characters" in page.text
    assert await stored_videos(server) == []


def test_the_renderers_the_server_test_does_not_reach_escape_too() -> None:
    import datetime as dt

    from bot.blocks.digests import render_delivery_digest
    from bot.blocks.linking import (
        render_authorizations_ended,
        render_authorizations_ending,
        render_deadline_reminder,
        render_reminder_gone,
        render_videos_authorized,
        render_videos_declined,
    )
    from bot.blocks.projects import render_bulk_summary, render_pause_notice

    project = LiteProject(
        id=1,
        workspace_id=1,
        link_name=NAME,
        brand_id=1,
        anchor_id=1,
        channel_id="C0PROJECTS",
        created_by="U0ALICE01",
        invite_token="t" * 32,
        authorization_days=30,
        description="",
        deliverable="",
        requirements="",
        contact="x@example.com",
    )
    handle = "<!here>&<https://evil.example|y>"
    video = Video(
        id=1,
        workspace_id=1,
        project_id=1,
        url=f"https://www.tiktok.com/@{handle}/video/7300000000000000003",
        video_key="7300000000000000003",
        creator_handle=handle,
        delivered_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    rendered = {
        "digest": render_delivery_digest([(project, video)] * 3),
        "bulk": render_bulk_summary([NAME, NAME], actor_id="U0ALICE01", active=False),
        "paused": render_pause_notice(project, actor_id="U0ALICE01", paused=True),
        "authorized": render_videos_authorized(project, handle, [video]),
        "declined": render_videos_declined(project, handle, [video]),
        "ending": render_authorizations_ending(project, [video]),
        "ended": render_authorizations_ended(project, [video]),
        "deadline": render_deadline_reminder(project, days_left=1, deadline=dt.date(2026, 12, 1)),
        "gone": render_reminder_gone(project),
    }

    leaks = [f"{name}{leak}" for name, message in rendered.items() for leak in markup_leaks(message)]
    assert not leaks, "\n".join(leaks)
