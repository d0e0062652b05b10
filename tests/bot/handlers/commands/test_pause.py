"""`/liteproject pause` and `resume`: notices in the card's thread and the card updated."""

from __future__ import annotations

from storage.models import AuditEvent, LiteProject
from tests.bot.handlers.helpers import card_ts, create_through_modal, text_of
from tests.factories import rows
from tests.harness.server import RunningServer


async def test_pause_and_resume_post_notices_and_update_the_card(
    server: RunningServer, assets: dict[str, int]
) -> None:
    await create_through_modal(server, assets)
    await server.settle()

    await server.slack.command("pause summer glow")
    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["text"].startswith("Paused “Summer glow”")
    notice = (await server.fake.wait_for("chat.postMessage", 2))[1]
    assert "creators can't deliver videos to this link until it is resumed" in notice.args["text"]
    assert notice.args["thread_ts"] == card_ts(server) and notice.args["reply_broadcast"] is True
    (update,) = await server.fake.wait_for("chat.update")
    assert "paused" in update.args["text"]
    assert "project_resume" in text_of(update.args["blocks"])

    await server.slack.command("pause summer glow")
    again = (await server.fake.wait_for("respond", 2))[1]
    assert again.args["text"] == "“Summer glow” is already paused; nothing changed."

    await server.slack.command("resume summer glow")
    resumed = (await server.fake.wait_for("respond", 3))[2]
    assert resumed.args["text"].startswith("Resumed “Summer glow”")
    resume_notice = (await server.fake.wait_for("chat.postMessage", 3))[2]
    assert "resumed" in resume_notice.args["text"]
    (project,) = await rows(server.sessions, LiteProject)
    assert project.active is True
    actions = [event.action for event in await rows(server.sessions, AuditEvent)]
    assert actions == ["project.created", "project.paused", "project.resumed"]
    assert len(server.fake.of("chat.postMessage")) == 3  # the repeated pause posted nothing
