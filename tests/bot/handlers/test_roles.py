"""Who counts as a workspace admin: owners too."""

from __future__ import annotations

from tests.bot.handlers.helpers import CREATOR
from tests.factories import make_project
from tests.harness.server import RunningServer


async def test_a_workspace_owner_counts_as_an_admin(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_project(session, link_name="Summer glow", created_by=CREATOR)
    owner = "U0OWNER001"
    server.fake.users[owner] = {"id": owner, "is_admin": False, "is_owner": True}

    await server.slack.command("pause summer glow", user_id=owner)

    (reply,) = await server.fake.wait_for("respond")
    assert reply.args["text"].startswith("Paused")
