"""Outbox rows rendered into Slack messages, from the database as it is at send time."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.blocks.digests import SHOWN
from bot.notify.render import render_digest
from bot.settings import Settings
from storage.outbox import DigestMember
from storage.sql import IN_LIST_SIZE
from tests.factories import make_project, make_video, make_workspace
from tests.harness.fake_slack import check_blocks

SETTINGS = Settings.model_construct()  # a digest renders from the database alone


async def test_a_digest_larger_than_its_message_counts_every_delivery_and_lists_the_first(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # more rows than one IN list takes, so its reads go in chunks; two projects; a video and a
    # project gone since their rows were queued
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        busy = await make_project(session, workspace=workspace, link_name="Busy launch")
        quiet = await make_project(session, workspace=workspace, link_name="Quiet launch")
        rows = []
        for n in range(IN_LIST_SIZE + 2):
            video = await make_video(session, project=busy, creator_handle=f"busy{n:04d}")
            rows.append({"project_id": busy.id, "video_id": video.id})
        for n in range(3):
            video = await make_video(session, project=quiet, creator_handle=f"quiet{n}")
            rows.append({"project_id": quiet.id, "video_id": video.id})
        rows.insert(1, {"project_id": busy.id, "video_id": 10**9})  # deleted since
        rows.insert(2, {"project_id": 10**9, "video_id": rows[0]["video_id"]})  # its project deleted
    group = [DigestMember(n + 1, "C0PROJECTS", payload) for n, payload in enumerate(rows)]

    async with sessions() as session:
        outgoing = await render_digest(session, group, SETTINGS)

    total = IN_LIST_SIZE + 2 + 3
    assert outgoing.blocks is not None and outgoing.channel == "C0PROJECTS" and not outgoing.skip
    text_of_blocks = json.dumps(outgoing.blocks, ensure_ascii=False)
    assert check_blocks(outgoing.blocks) is None
    assert f"*{total} new videos*" in text_of_blocks
    assert outgoing.text.startswith(f"{total} new videos delivered: @busy0000, @busy0001, @busy0002")
    assert "@busy0000" in text_of_blocks and f"@busy{SHOWN - 1:04d}" in text_of_blocks
    assert f"@busy{SHOWN:04d}" not in text_of_blocks and "@quiet0" not in text_of_blocks
    assert f"…and {total - SHOWN} more." in text_of_blocks
    buttons = next(block for block in outgoing.blocks if block.get("block_id") == "digest_review")
    # the busiest project first, both projects counted though the quiet one's videos aren't listed
    assert [button["text"]["text"] for button in buttons["elements"]] == [
        "Review Busy launch",
        "Review Quiet launch",
    ]


async def test_a_digest_whose_videos_are_all_gone_is_skipped(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        project = await make_project(session)
    group = [DigestMember(1, "C0PROJECTS", {"project_id": project.id, "video_id": 10**9})]

    async with sessions() as session:
        outgoing = await render_digest(session, group, SETTINGS)

    assert outgoing.skip and outgoing.channel == "C0PROJECTS"
