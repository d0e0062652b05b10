"""The video buttons: approve, reject, details and copying the spark code, from alerts, the list and
the digest."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.digests import render_delivery_digest
from bot.blocks.projects import SHOW_VIDEOS
from bot.blocks.videos import (
    VIDEO_APPROVE,
    VIDEO_COPY_SPARK_CODE,
    VIDEO_DETAILS,
    VIDEO_LIST_FILTER,
    VIDEO_LIST_TO_REVIEW,
    VIDEO_REJECT,
)
from bot.services.videos import VIDEO_PAGE_SIZE
from storage.models import AuditEvent, ReviewState, Video
from tests.bot.handlers import helpers
from tests.bot.handlers.helpers import CODE, blocks_text, button_ids
from tests.factories import make_project, make_video, make_workspace, rows
from tests.harness.fake_slack import check_blocks, check_view
from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID

BOB = "U0BOB0001"


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
    project = await helpers.project_with_card(server)
    assert await helpers.deliver(server, project, spark_code=CODE) == 200
    (alert,) = await helpers.wait_until(lambda: helpers.alerts(server))
    video = await helpers.the_video(server)
    details = {"id": "V0DETAILS", "hash": "h1", "type": "modal", "callback_id": "video_details"}

    await server.slack.block_action(VIDEO_APPROVE, value=str(video.id), view=details)

    (updated,) = await server.fake.wait_for("views.update")
    assert updated.args["view_id"] == "V0DETAILS" and updated.args["hash"] == "h1"
    assert ":white_check_mark: Approved" in blocks_text(updated.args["view"])
    assert button_ids(updated.args["view"]["blocks"]) == [VIDEO_COPY_SPARK_CODE, VIDEO_REJECT]
    (edit,) = await helpers.wait_until(helpers.edits_of(server, alert.answer["ts"]))
    assert f"Approved by <@{USER_ID}>" in blocks_text(edit.args["blocks"])
    assert (await helpers.the_video(server)).review_state == ReviewState.APPROVED
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
