"""Events API through the real server: URL verification and the App Home."""

from __future__ import annotations

from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID


async def test_url_verification_echoes_the_challenge(server: RunningServer) -> None:
    answer = await server.slack.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")

    assert answer.status == 200
    assert answer.json == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


async def test_opening_the_home_tab_publishes_the_home_view(server: RunningServer) -> None:
    answer = await server.slack.event(
        {"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"}
    )

    assert answer.status == 200
    (publish,) = await server.fake.wait_for("views.publish")
    assert publish.args["user_id"] == USER_ID
    view = publish.args["view"]
    assert view["type"] == "home"
    assert "liteproject" in str(view["blocks"])


async def test_opening_the_messages_tab_publishes_nothing(server: RunningServer) -> None:
    await server.slack.event(
        {"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "messages"}
    )
    # a later home event proves the first was processed, not merely slow
    await server.slack.event(
        {"type": "app_home_opened", "user": "U0BOB0001", "channel": "D0HOME", "tab": "home"}
    )

    (publish,) = await server.fake.wait_for("views.publish")
    assert publish.args["user_id"] == "U0BOB0001"
