"""`/liteproject videos`: the list opens with source, status and end dates."""

from __future__ import annotations

import datetime as dt

from bot.blocks.videos import VIDEO_LIST_FILTER
from tests.bot.handlers.helpers import AT, section_texts, seed
from tests.harness.fake_slack import check_view
from tests.harness.server import RunningServer


async def test_the_command_opens_the_list_with_source_status_and_end_dates(server: RunningServer) -> None:
    await seed(server)

    await server.slack.command("videos summer glow")

    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert check_view(view) is None and view["title"]["text"] == "Videos"
    rendered = section_texts(view)
    assert "3 videos" in rendered
    assert "@linked.one" in rendered and "Linking request" in rendered and "Invite link" in rendered
    ends = int((AT + dt.timedelta(days=30)).timestamp())
    assert f"until <!date^{ends}^" in rendered and f"authorized <!date^{int(AT.timestamp())}^" in rendered
    select = next(b for b in view["blocks"] if b["type"] == "actions")["elements"][0]
    assert select["action_id"] == VIDEO_LIST_FILTER
    assert [o["value"] for o in select["options"]] == [
        "all",
        "to_review",
        "delivered",
        "authorized",
        "approved",
        "rejected",
        "expired",
        "pending_authorization",
        "declined",
        "code_problems",
    ]
