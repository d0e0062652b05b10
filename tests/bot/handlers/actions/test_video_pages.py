"""The video list's filter and pages, for the project's own workspace only."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.blocks.videos import VIDEO_LIST_FILTER, VIDEO_LIST_PAGE
from bot.services.videos import VIDEO_PAGE_SIZE
from storage.models import LiteProject, ReviewState
from tests.bot.handlers.helpers import AT, section_texts, seed
from tests.factories import make_project, make_video, make_workspace
from tests.harness.fake_slack import check_view
from tests.harness.server import RunningServer


def list_modal(project_id: int) -> dict[str, Any]:
    """The video list modal of this project, as Slack sends it back with a button press."""
    return {
        "id": "V0LIST",
        "hash": "h1",
        "type": "modal",
        "private_metadata": json.dumps({"project_id": project_id}),
    }


async def test_the_to_review_filter_shows_what_is_neither_approved_nor_rejected(
    server: RunningServer,
) -> None:
    project_id = await seed(server)
    async with server.sessions.begin() as session:
        project = await session.get(LiteProject, project_id)
        assert project is not None
        await make_video(
            session, project=project, creator_handle="done.one", review_state=ReviewState.APPROVED
        )
    view = list_modal(project_id)

    await server.slack.block_action(
        VIDEO_LIST_FILTER, selected_option={"value": "to_review"}, view=view, block_id="video_list_filter"
    )

    (updated,) = await server.fake.wait_for("views.update")
    listed = section_texts(updated.args["view"])
    assert "2 videos to review" in listed
    assert "@plain.one" in listed and "@linked.one" in listed
    assert "@bad.one" not in listed and "@done.one" not in listed


async def test_the_status_filter_updates_the_view_in_place(server: RunningServer) -> None:
    project_id = await seed(server)
    view = list_modal(project_id)

    await server.slack.block_action(
        VIDEO_LIST_FILTER, selected_option={"value": "authorized"}, view=view, block_id="video_list_filter"
    )
    await server.slack.block_action(
        VIDEO_LIST_FILTER, selected_option={"value": "rejected"}, view=view, block_id="video_list_filter"
    )

    authorized, rejected = await server.fake.wait_for("views.update", 2)
    assert authorized.args["view_id"] == "V0LIST" and authorized.args["hash"] == "h1"
    first = section_texts(authorized.args["view"])
    assert "1 video authorized" in first and "@linked.one" in first and "@plain.one" not in first
    second = section_texts(rejected.args["view"])
    assert "@bad.one" in second and "@linked.one" not in second


async def test_long_lists_page_with_next_and_previous(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Big one")
        for number in range(VIDEO_PAGE_SIZE + 3):
            await make_video(
                session,
                project=project,
                creator_handle=f"maker.{number:03d}",
                delivered_at=AT + dt.timedelta(minutes=number),
            )
    await server.slack.command("videos Big one")
    (opened,) = await server.fake.wait_for("views.open")
    first = opened.args["view"]
    pages = next(b for b in first["blocks"] if b.get("block_id") == "video_list_pages")
    (next_button,) = pages["elements"]

    assert len(first["blocks"]) <= 100 and check_view(first) is None
    assert next_button["action_id"] == f"{VIDEO_LIST_PAGE}_next"
    await server.slack.block_action(
        next_button["action_id"],
        value=next_button["value"],
        view={"id": "V0BIG", "type": "modal", "private_metadata": json.dumps({"project_id": project.id})},
    )

    (update,) = await server.fake.wait_for("views.update")
    second = update.args["view"]
    rendered = section_texts(second)
    assert f"showing {VIDEO_PAGE_SIZE + 1}–{VIDEO_PAGE_SIZE + 3}" in rendered
    assert "@maker.000" in rendered and "@maker.098" not in rendered  # oldest last
    pages = next(b for b in second["blocks"] if b.get("block_id") == "video_list_pages")
    assert [e["action_id"] for e in pages["elements"]] == [f"{VIDEO_LIST_PAGE}_prev"]


async def test_a_project_of_another_workspace_cant_be_listed(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        project = await make_project(session, workspace=other)

    await server.slack.block_action(
        f"{VIDEO_LIST_PAGE}_next",
        value=f"{project.id}::0",
        view={"id": "V0X", "type": "modal", "private_metadata": json.dumps({"project_id": project.id})},
    )

    (pushed,) = await server.fake.wait_for("views.push")
    assert "isn't in this workspace" in json.dumps(pushed.args["view"])
    assert server.fake.of("views.update") == []
