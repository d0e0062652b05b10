"""Who may change a project: its owner, its managers, workspace admins; others are told whom to ask."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from bot.services import linking
from bot.services.errors import Forbidden
from bot.services.workspaces import Actor
from storage.models import AuditEvent, LiteProject, ReviewState, Video
from tests.factories import make_ads_account, make_project, make_video, make_workspace
from tests.harness.fake_slack import TEAM_ID
from tests.harness.server import RunningServer

OWNER = "U0OWNER01"
BOB = "U0BOB0001"
REFUSAL = f"Only <@{OWNER}>, the project's managers and workspace admins can"


@pytest.fixture
async def owned(server: RunningServer) -> dict[str, Any]:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        project = await make_project(session, workspace=workspace, link_name="Summer glow", created_by=OWNER)
        video = await make_video(session, project=project, spark_code="#SparkCodeSecret123")
        account = await make_ads_account(session, workspace=workspace)
    return {"project": project, "video": video, "account": account}


async def refusal_of(server: RunningServer) -> str:
    (answer,) = await server.fake.wait_for("respond")
    return json.dumps(answer.args["blocks"])


async def test_someone_else_cannot_pause(server: RunningServer, owned: dict[str, Any]) -> None:
    await server.slack.command("pause summer glow", user_id=BOB)

    assert f"{REFUSAL} pause or resume" in await refusal_of(server)
    assert (await a_project(server)).active is True


async def test_someone_else_cannot_approve(server: RunningServer, owned: dict[str, Any]) -> None:
    await server.slack.block_action("video_approve", value=str(owned["video"].id), user_id=BOB)

    assert f"{REFUSAL} approve or reject videos of" in await refusal_of(server)
    async with server.sessions() as session:
        video = await session.get(Video, owned["video"].id)
    assert video is not None and video.review_state == ReviewState.UNREVIEWED


async def test_someone_else_cannot_copy_the_spark_code(server: RunningServer, owned: dict[str, Any]) -> None:
    await server.slack.block_action("video_copy_spark_code", value=str(owned["video"].id), user_id=BOB)

    text = await refusal_of(server)
    assert f"{REFUSAL} see the spark codes of" in text
    assert "SparkCodeSecret" not in json.dumps(server.fake.calls[-1].args)


async def test_someone_else_sees_that_a_spark_code_exists_but_not_the_code(
    server: RunningServer, owned: dict[str, Any]
) -> None:
    await server.slack.block_action("video_details", value=str(owned["video"].id), user_id=BOB)

    (opened,) = await server.fake.wait_for("views.open")
    text = json.dumps(opened.args["view"])
    assert "SparkCodeSecret" not in text
    assert f"Only <@{OWNER}>" in text


async def test_someone_else_cannot_export(server: RunningServer, owned: dict[str, Any]) -> None:
    await server.slack.command("export summer glow", user_id=BOB)

    assert f"{REFUSAL} export the videos of" in await refusal_of(server)
    assert server.fake.of("files.getUploadURLExternal") == []


async def test_someone_else_cannot_edit(server: RunningServer, owned: dict[str, Any]) -> None:
    answer = await server.slack.view_submission(
        "project_manage",
        {"link_name": {"value": {"type": "plain_text_input", "value": "Taken over"}}},
        private_metadata=json.dumps({"project_id": owned["project"].id}),
        user_id=BOB,
    )

    assert answer.json["response_action"] == "errors"
    assert "Ask its owner to add you as a project manager" in answer.json["errors"]["link_name"]
    assert (await a_project(server)).link_name == "Summer glow"


async def test_a_project_manager_may_pause(server: RunningServer, owned: dict[str, Any]) -> None:
    answer = await server.slack.view_submission(
        "project_manage",
        {"managers": {"value": {"type": "multi_users_select", "selected_users": [BOB]}}},
        private_metadata=json.dumps({"project_id": owned["project"].id}),
        user_id=OWNER,
    )
    assert answer.status == 200 and answer.json["response_action"] == "update"  # the saved confirmation

    await server.slack.command("pause summer glow", user_id=BOB)

    (reply,) = await server.fake.wait_for("respond")
    assert reply.args["text"].startswith("Paused")
    assert (await a_project(server)).active is False


async def test_a_workspace_admin_may_pause_and_is_asked_about_once(
    server: RunningServer, owned: dict[str, Any]
) -> None:
    server.fake.users[BOB] = {"id": BOB, "is_admin": True}

    await server.slack.command("pause summer glow", user_id=BOB)
    await server.fake.wait_for("respond")
    await server.slack.command("resume summer glow", user_id=BOB)
    await server.fake.wait_for("respond", 2)

    assert (await a_project(server)).active is True
    assert len(server.fake.of("users.info")) == 1  # remembered for a few minutes


async def test_only_admins_pause_every_project(server: RunningServer, owned: dict[str, Any]) -> None:
    await server.slack.command("pause all", user_id=OWNER)

    (answer,) = await server.fake.wait_for("respond")
    assert "Only workspace admins and owners can pause every project at once." in answer.args["text"]
    assert (await a_project(server)).active is True


async def test_history_shows_who_did_what_without_spark_codes(
    server: RunningServer, owned: dict[str, Any]
) -> None:
    await server.slack.command("pause summer glow", user_id=OWNER)
    await server.fake.wait_for("respond")
    await server.slack.block_action("video_approve", value=str(owned["video"].id), user_id=OWNER)
    await server.fake.wait_for("respond", 2)

    await server.slack.command("history summer glow", user_id=BOB)

    history = (await server.fake.wait_for("respond", 3))[2]
    text = json.dumps(history.args["blocks"], ensure_ascii=False)
    assert "History of Summer glow" in text and "(1–2 of 2)" in text
    assert text.index("approved a video") < text.index("paused the invite link")  # newest first
    assert f"<@{OWNER}> paused the invite link" in text
    assert "SparkCodeSecret" not in text and "active:" not in text


async def test_history_pages_past_ten_events(server: RunningServer, owned: dict[str, Any]) -> None:
    async with server.sessions.begin() as session:
        for number in range(12):
            session.add(
                AuditEvent(
                    workspace_id=owned["project"].workspace_id,
                    actor=OWNER,
                    action="project.updated",
                    target_type="project",
                    target_id=owned["project"].id,
                    before={"link_name": f"Name {number}"},
                    after={"link_name": f"Name {number + 1}"},
                )
            )

    await server.slack.command("history summer glow")
    (first,) = await server.fake.wait_for("respond")
    assert "(1–10 of 12)" in json.dumps(first.args["blocks"], ensure_ascii=False)
    older = next(
        element
        for block in first.args["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == "project_history_page_next"
    )

    await server.slack.block_action("project_history_page_next", value=older["value"])

    second = (await server.fake.wait_for("respond", 2))[1]
    assert "(11–12 of 12)" in json.dumps(second.args["blocks"], ensure_ascii=False)


async def a_project(server: RunningServer) -> LiteProject:
    async with server.sessions() as session:
        return (await session.execute(select(LiteProject))).scalars().one()


async def test_someone_else_cannot_add_videos(server: RunningServer, owned: dict[str, Any]) -> None:
    bob = Actor(team_id=TEAM_ID, user_id=BOB)
    links = "https://www.tiktok.com/@maya.films/video/7301234567890123456"

    with pytest.raises(Forbidden) as refused:
        async with server.sessions() as session:
            await linking.parse_pasted(
                session, entitled=True, actor=bob, project_id=owned["project"].id, text=links
            )

    assert "can add videos to “Summer glow”" in refused.value.message
    async with server.sessions() as session:
        pasted = await linking.parse_pasted(
            session,
            entitled=True,
            actor=Actor(team_id=TEAM_ID, user_id=OWNER),
            project_id=owned["project"].id,
            text=links,
        )
    assert len(pasted.candidates) == 1


async def test_someone_else_gets_a_read_only_manage_view_naming_whom_to_ask(
    server: RunningServer, owned: dict[str, Any]
) -> None:
    await server.slack.block_action("project_manage", value=str(owned["project"].id), user_id=BOB)

    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert "submit" not in view
    assert not any(block["type"] == "input" for block in view["blocks"])
    assert f"<@{OWNER}> (its owner)" in json.dumps(view["blocks"])


async def test_the_owner_gets_the_manage_form(server: RunningServer, owned: dict[str, Any]) -> None:
    await server.slack.block_action("project_manage", value=str(owned["project"].id), user_id=OWNER)

    (opened,) = await server.fake.wait_for("views.open")
    assert opened.args["view"]["submit"]["text"] == "Save"


async def test_history_speaks_in_words_without_ids_or_field_names(
    server: RunningServer, owned: dict[str, Any]
) -> None:
    from storage import audit as audit_queries

    project, video, account = owned["project"], owned["video"], owned["account"]
    async with server.sessions.begin() as session:
        # the events as the services write them
        common = {"workspace_id": project.workspace_id}
        audit_queries.add_audit_event(
            session,
            **common,
            actor="creator:maker01",
            action="video.delivered",
            target_type="video",
            target_id=video.id,
            after={
                "project_id": project.id,
                "url": "https://vm.tiktok.com/x",
                "needs_resolution": True,
                "spark_code": False,
            },
        )
        audit_queries.add_audit_event(
            session,
            **common,
            actor=OWNER,
            action="project.updated",
            target_type="project",
            target_id=project.id,
            before={"ads_account_ids": [], "managers": []},
            after={"ads_account_ids": [account.id], "managers": [BOB]},
        )

    await server.slack.command("history summer glow")

    (history,) = await server.fake.wait_for("respond")
    text = json.dumps(history.args["blocks"], ensure_ascii=False)
    assert "@maker01 (creator) delivered a video without a spark code" in text
    assert f"added the Ads Manager account “{account.display_name}”" in text
    assert f"added <@{BOB}> as a project manager" in text
    for internal in ("needs resolution", "project id", "video ids", "spark code changed", "True", "_id"):
        assert internal not in text, internal
