"""`/liteproject add-videos`: without the TikTok One entitlement the command explains."""

from __future__ import annotations

from bot.blocks.projects import ADD_VIDEOS
from tests.bot.handlers.helpers import MIXED, paste, project_with_one_video
from tests.harness.server import RunningServer


async def test_with_the_entitlement_off_the_command_and_button_explain(server: RunningServer) -> None:
    project = await project_with_one_video(server)

    await server.slack.command("add-videos Summer glow")
    await server.slack.block_action(ADD_VIDEOS, value=str(project.id))
    answer = await paste(server, project, MIXED)

    replies = await server.fake.wait_for("respond", 2)
    assert all("available to select customers" in reply.args["text"] for reply in replies)
    assert server.fake.of("views.open") == []
    assert "available to select customers" in answer.json["errors"]["urls"]
