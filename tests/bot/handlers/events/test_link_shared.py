"""Link previews through the real server: link_shared → chat.unfurl, in the owning workspace only."""

from __future__ import annotations

import json
from typing import Any

from bot.services import projects
from storage.models import OwnerCheck, ReviewState
from tests.factories import make_brand, make_project, make_video, make_workspace
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID

VIDEO_ID = "7301234567890123456"
CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="


def link_shared(*urls: str, ts: str = "1700000000.000100") -> dict[str, Any]:
    return {
        "type": "link_shared",
        "channel": CHANNEL_ID,
        "user": "U0ALICE01",
        "message_ts": ts,
        "unfurl_id": f"unfurl-{ts}",
        "source": "conversations_history",
        "links": [{"domain": url.split("/")[2], "url": url} for url in urls],
    }


async def test_an_invite_link_unfurls_to_its_project(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        brand = await make_brand(session, workspace=workspace, name="GlowCo")
        project = await make_project(session, workspace=workspace, brand=brand, link_name="Summer glow")
        await make_video(session, project=project)
    url = projects.invite_url(server.settings.public_base_url, project)

    answer = await server.slack.event(link_shared(url))

    assert answer.status == 200
    (unfurl,) = await server.fake.wait_for("chat.unfurl")
    assert unfurl.answer["ok"] is True
    assert (unfurl.args["unfurl_id"], unfurl.args["source"]) == (
        "unfurl-1700000000.000100",
        "conversations_history",
    )
    preview = json.dumps(unfurl.args["unfurls"][url], ensure_ascii=False)
    assert "Summer glow" in preview and "GlowCo" in preview
    assert "Accepting videos" in preview and "1 delivered" in preview


async def test_a_collected_tiktok_video_unfurls_and_other_links_are_left_to_slack(
    server: RunningServer,
) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        video = await make_video(
            session,
            project=project,
            tiktok_video_id=VIDEO_ID,
            spark_code=CODE,
            review_state=ReviewState.APPROVED,
        )
        video.title = "My serum routine"
        video.owner_check = OwnerCheck.CONFIRMED
    collected = f"https://www.tiktok.com/@glow.maker/video/{VIDEO_ID}?is_from_webapp=1"
    unknown = "https://www.tiktok.com/@someone/video/7301234567890123999"

    await server.slack.event(link_shared(collected, unknown, "https://example.com/x"))

    (unfurl,) = await server.fake.wait_for("chat.unfurl")
    assert list(unfurl.args["unfurls"]) == [collected]
    preview = json.dumps(unfurl.args["unfurls"][collected], ensure_ascii=False)
    assert "My serum routine" in preview and "@glow.maker" in preview and "Summer glow" in preview
    assert "Approved" in preview and "spark code received" in preview


async def test_another_workspaces_invite_link_unfurls_to_nothing(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        theirs = await make_project(session, workspace=other, link_name="Their secret launch")
        ours = await make_project(session, link_name="Our project")
    their_url = projects.invite_url(server.settings.public_base_url, theirs)
    our_url = projects.invite_url(server.settings.public_base_url, ours)

    await server.slack.event(link_shared(their_url, ts="1700000000.000100"))
    # a later event that does unfurl proves the first was processed, not merely slow
    await server.slack.event(link_shared(our_url, ts="1700000000.000200"))

    (unfurl,) = await server.fake.wait_for("chat.unfurl")
    assert list(unfurl.args["unfurls"]) == [our_url]
    assert "Their secret launch" not in json.dumps([call.args for call in server.fake.calls])
