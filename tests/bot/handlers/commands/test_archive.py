"""`/liteproject archive`, `archived` and restore: the link off, the project out of lists, its history
kept."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot.services.notices import NoticeKind, queue_notice
from storage.models import AuditEvent, LiteProject, OutboxMessage, Subscription
from tests.bot.handlers.helpers import reload
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID


async def test_archiving_turns_the_link_off_and_hides_the_project_from_lists_and_home(
    server: RunningServer, project: LiteProject
) -> None:
    await server.slack.command("archive summer glow")
    (told,) = await server.fake.wait_for("respond")
    await server.fake.wait_for("views.publish")
    listed = await server.slack.command("list")  # answered in the ack
    home = (await server.fake.wait_for("views.publish"))[-1]

    archived = await reload(server, project)
    assert archived.archived_at is not None and archived.active is False
    assert "Archived “Summer glow”" in told.args["text"]
    assert "Winter" in listed.json["text"] and "Summer glow" not in listed.json["text"]
    assert "Summer glow" not in json.dumps(home.args["view"])
    async with server.sessions() as session:
        actions = [e.action for e in (await session.execute(select(AuditEvent))).scalars().all()]
    assert actions == ["project.archived"]


async def test_archived_lists_them_and_restore_brings_one_back_paused(
    server: RunningServer, project: LiteProject
) -> None:
    await server.slack.command("archive summer glow")
    await server.fake.wait_for("respond")
    await server.slack.command("archived")
    archived_list = (await server.fake.wait_for("respond", 2))[1]
    restore = next(
        block["accessory"] for block in archived_list.args["blocks"] if block.get("accessory", {}).get("text")
    )
    assert restore["text"]["text"] == "Restore"

    await server.slack.block_action(restore["action_id"], value=restore["value"])
    told = (await server.fake.wait_for("respond", 3))[2]
    await server.fake.wait_for("views.publish", 2)

    restored = await reload(server, project)
    assert restored.archived_at is None and restored.active is False
    assert "Restored “Summer glow”. It is paused" in told.args["text"]
    listed = await server.slack.command("list")  # answered in the ack
    assert "Summer glow" in listed.json["text"]


async def test_an_archived_project_keeps_its_history_and_cannot_be_resumed(
    server: RunningServer, project: LiteProject
) -> None:
    await server.slack.command("archive summer glow")
    await server.fake.wait_for("respond")
    await server.slack.command("resume summer glow")
    await server.fake.wait_for("respond", 2)
    await server.slack.command("history summer glow")
    _, refused, history = await server.fake.wait_for("respond", 3)

    assert "is archived: restore it first" in refused.args["text"]
    assert "archived" in json.dumps(history.args["blocks"])
    assert (await reload(server, project)).active is False


async def test_someone_else_cannot_archive(server: RunningServer, project: LiteProject) -> None:
    await server.slack.command("archive summer glow", user_id="U0BOB0001")

    (refused,) = await server.fake.wait_for("respond")
    assert "can archive or restore “Summer glow”" in refused.args["text"]
    assert (await reload(server, project)).archived_at is None


async def test_subscribe_all_leaves_archived_projects_out(
    server: RunningServer, project: LiteProject
) -> None:
    await server.slack.command("archive summer glow")
    await server.fake.wait_for("respond")
    async with server.sessions.begin() as session:
        archived = await session.get(LiteProject, project.id)
        assert archived is not None
        for project_id in (None, project.id):
            session.add(
                Subscription(
                    workspace_id=archived.workspace_id,
                    channel_id="C0ALL0001" if project_id is None else "C0ONE0001",
                    project_id=project_id,
                    events=["authorized"],
                    created_by=USER_ID,
                )
            )
        await session.flush()
        await queue_notice(
            session, project=archived, kind=NoticeKind.VIDEO_AUTHORIZED, dedup_key="late-answer"
        )

    async with server.sessions() as session:
        channels: list[Any] = [
            row.channel_id
            for row in (await session.execute(select(OutboxMessage))).scalars().all()
            if row.dedup_key.startswith("late-answer")
        ]
    assert sorted(channels) == sorted([CHANNEL_ID, "C0ONE0001"])  # not the `subscribe all` channel


async def test_resume_all_leaves_archived_projects_off(server: RunningServer, project: LiteProject) -> None:
    await server.slack.command("archive summer glow")
    await server.fake.wait_for("respond")
    server.fake.users[USER_ID] = {"id": USER_ID, "is_admin": True}

    async with server.sessions.begin() as session:
        (winter,) = (
            await session.execute(select(LiteProject).where(LiteProject.link_name == "Winter"))
        ).scalars()
        winter.active = False

    await server.slack.command("resume all")
    told = (await server.fake.wait_for("respond", 2))[1]

    assert "Resumed 1 projects" in told.args["text"]  # Winter; the archived one isn't touched
    archived = await reload(server, project)
    assert archived.active is False and archived.archived_at is not None
