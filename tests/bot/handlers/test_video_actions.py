"""The buttons on new-video alerts and the project's Videos button, through the real server."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.projects import SHOW_VIDEOS
from bot.blocks.videos import (
    VIDEO_APPROVE,
    VIDEO_COPY_SPARK_CODE,
    VIDEO_DETAILS,
    VIDEO_REJECT,
)
from bot.services.videos import VIDEO_PAGE_SIZE
from storage.models import AuditEvent, ReviewState, Video
from tests.factories import make_project, make_video, make_workspace, rows
from tests.harness.fake_slack import check_view
from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID

CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="


async def video_with(server: RunningServer, **kwargs: Any) -> Video:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        return await make_video(session, project=project, **kwargs)


async def stored(server: RunningServer, video_id: int) -> Video:
    async with server.sessions() as session:
        video = await session.get(Video, video_id)
        assert video is not None
        return video


async def audit_actions(server: RunningServer) -> list[tuple[str, str]]:
    return [(event.actor, event.action) for event in await rows(server.sessions, AuditEvent)]


def button_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_approve_stores_the_review_and_updates_the_alert(server: RunningServer) -> None:
    video = await video_with(server, spark_code=CODE)

    answer = await server.slack.block_action(VIDEO_APPROVE, value=str(video.id))

    assert answer.status == 200
    [reply] = await server.fake.wait_for("respond")
    assert reply.args["replace_original"] is True
    rendered = json.dumps(reply.args["blocks"])
    assert "Approved" in rendered
    assert f"by <@{USER_ID}>" in rendered
    assert button_ids(reply.args["blocks"]) == [VIDEO_DETAILS, VIDEO_COPY_SPARK_CODE, VIDEO_REJECT]
    assert (await stored(server, video.id)).review_state == ReviewState.APPROVED  # type: ignore[arg-type]
    assert (USER_ID, "video.approved") in await audit_actions(server)


async def test_reject_stores_the_review_and_updates_the_alert(server: RunningServer) -> None:
    video = await video_with(server)

    await server.slack.block_action(VIDEO_REJECT, value=str(video.id))

    [reply] = await server.fake.wait_for("respond")
    assert reply.args["replace_original"] is True
    assert "Rejected" in json.dumps(reply.args["blocks"])
    assert button_ids(reply.args["blocks"]) == [VIDEO_DETAILS, VIDEO_APPROVE]
    assert (await stored(server, video.id)).review_state == ReviewState.REJECTED  # type: ignore[arg-type]


async def test_a_video_of_another_workspace_cant_be_reviewed(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        project = await make_project(session, workspace=other)
        video = await make_video(session, project=project)

    await server.slack.block_action(VIDEO_APPROVE, value=str(video.id))

    [reply] = await server.fake.wait_for("respond")
    assert reply.args.get("response_type") == "ephemeral"
    assert "doesn't exist any more, or isn't in this workspace" in reply.args["text"]
    assert (await stored(server, video.id)).review_state == ReviewState.UNREVIEWED  # type: ignore[arg-type]


async def test_view_details_opens_a_modal_with_the_spark_code_in_a_code_block(server: RunningServer) -> None:
    video = await video_with(server, spark_code=CODE)

    await server.slack.block_action(VIDEO_DETAILS, value=str(video.id))

    [call] = await server.fake.wait_for("views.open")
    view = call.args["view"]
    assert check_view(view) is None
    rendered = json.dumps(view)
    texts = [
        block["text"]["text"] for block in view["blocks"] if block["type"] == "section" and "text" in block
    ]
    assert f"```{CODE}```" in texts
    assert video.url in rendered
    assert "glowmaker@example.com" in rendered


async def test_view_details_without_a_spark_code_says_what_to_ask_for(server: RunningServer) -> None:
    video = await video_with(server)

    await server.slack.block_action(VIDEO_DETAILS, value=str(video.id))

    [call] = await server.fake.wait_for("views.open")
    rendered = json.dumps(call.args["view"])
    assert "None yet" in rendered and "30 days" in rendered
    assert "```" not in rendered


async def test_copy_spark_code_answers_with_the_code_alone(server: RunningServer) -> None:
    video = await video_with(server, spark_code=CODE)

    await server.slack.block_action(VIDEO_COPY_SPARK_CODE, value=str(video.id))

    [reply] = await server.fake.wait_for("respond")
    assert reply.args["response_type"] == "ephemeral"
    assert reply.args["replace_original"] is False
    assert reply.args["text"] == CODE
    assert "blocks" not in reply.args


async def test_copy_spark_code_without_one_says_so(server: RunningServer) -> None:
    video = await video_with(server)

    await server.slack.block_action(VIDEO_COPY_SPARK_CODE, value=str(video.id))

    [reply] = await server.fake.wait_for("respond")
    assert "no spark code yet" in reply.args["text"]


async def test_the_videos_button_lists_the_projects_videos(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        await make_video(session, project=project, creator_handle="first.one", spark_code=CODE)
        await make_video(
            session, project=project, creator_handle="second.one", review_state=ReviewState.APPROVED
        )

    await server.slack.block_action(SHOW_VIDEOS, value=str(project.id))

    [call] = await server.fake.wait_for("views.open")
    view = call.args["view"]
    assert check_view(view) is None
    rendered = json.dumps(view)
    assert "2 videos" in rendered
    assert "@first.one" in rendered and "@second.one" in rendered
    assert "Approved" in rendered and ":key: spark code" in rendered and "no spark code" in rendered
    assert "showing the latest" not in rendered


async def test_the_videos_list_stays_within_a_modals_limits(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session)
        for _ in range(VIDEO_PAGE_SIZE + 5):
            await make_video(session, project=project)

    await server.slack.block_action(SHOW_VIDEOS, value=str(project.id))

    [call] = await server.fake.wait_for("views.open")
    view = call.args["view"]
    assert check_view(view) is None
    assert len(view["blocks"]) <= 100
    assert f"showing the latest {VIDEO_PAGE_SIZE}" in json.dumps(view)
    assert f"{VIDEO_PAGE_SIZE + 5} videos" in json.dumps(view)


async def test_view_details_from_the_videos_list_pushes_onto_the_modal(server: RunningServer) -> None:
    video = await video_with(server)

    await server.slack.block_action(
        VIDEO_DETAILS,
        value=str(video.id),
        view={"id": "V0LIST", "type": "modal", "callback_id": "project_videos"},
    )

    [call] = await server.fake.wait_for("views.push")
    assert check_view(call.args["view"]) is None
    assert server.fake.of("views.open") == []
