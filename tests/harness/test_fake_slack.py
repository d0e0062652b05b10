"""The harness itself: the fake answers like Slack, fails on demand and rejects bad Block Kit,
and the app's Web API client (pointed at it by SLACK_API_URL) retries 429s and 5xx."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import create_slack_client
from tests.harness.fake_slack import BOT_TOKEN, FakeSlack, Scripted
from tests.harness.server import make_settings

VALID_BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}]


def app_client(fake: FakeSlack) -> AsyncWebClient:
    settings = make_settings(database_url="sqlite+aiosqlite:///unused.db", slack_api_url=fake.url, port=3000)
    return create_slack_client(settings, BOT_TOKEN)


async def test_client_honours_the_api_url_and_records_the_call(fake_slack: FakeSlack) -> None:
    client = app_client(fake_slack)

    response = await client.chat_postMessage(channel="C1", text="hello", blocks=VALID_BLOCKS)

    assert response["ok"] is True
    (call,) = fake_slack.of("chat.postMessage")
    assert call.token == BOT_TOKEN
    assert call.args["channel"] == "C1"
    assert call.args["blocks"] == VALID_BLOCKS


async def test_rate_limited_call_is_retried_after_retry_after(fake_slack: FakeSlack) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=1)
    client = app_client(fake_slack)

    response = await client.chat_postMessage(channel="C1", text="hello")

    assert response["ok"] is True
    first, second = fake_slack.of("chat.postMessage")
    assert second.at - first.at >= 0.9


async def test_server_error_is_retried(fake_slack: FakeSlack) -> None:
    fake_slack.server_error("chat.postMessage", status=503)
    client = app_client(fake_slack)

    response = await client.chat_postMessage(channel="C1", text="hello")

    assert response["ok"] is True
    assert len(fake_slack.of("chat.postMessage")) == 2


async def test_slack_errors_come_back_as_ok_false(fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", "not_in_channel")
    client = app_client(fake_slack)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="hello")

    assert raised.value.response["error"] == "not_in_channel"


async def test_scripted_answers_are_used_in_order_then_normal_answers(fake_slack: FakeSlack) -> None:
    fake_slack.script("auth.test", Scripted(200, {"ok": False, "error": "token_revoked"}))
    client = app_client(fake_slack)

    with pytest.raises(SlackApiError):
        await client.auth_test()
    assert (await client.auth_test())["ok"] is True


async def test_invalid_blocks_are_refused_and_recorded(fake_slack: FakeSlack) -> None:
    client = app_client(fake_slack)
    too_long_header = [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="hi", blocks=too_long_header)

    assert raised.value.response["error"] == "invalid_blocks"
    assert len(fake_slack.invalid) == 1
    fake_slack.invalid.clear()  # the fixture fails any test that leaves one behind


async def test_invalid_view_is_refused_and_recorded(fake_slack: FakeSlack) -> None:
    client = app_client(fake_slack)
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "a title well over 24 chars"},
        "blocks": [],
    }

    with pytest.raises(SlackApiError):
        await client.views_open(trigger_id="1.2.3", view=view)

    assert "invalid view" in fake_slack.invalid[0][1]
    fake_slack.invalid.clear()


async def test_more_than_fifty_blocks_in_a_message_is_refused(fake_slack: FakeSlack) -> None:
    client = app_client(fake_slack)

    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="C1", text="hi", blocks=VALID_BLOCKS * 51)

    assert "over the limit of 50" in fake_slack.invalid[0][1]
    fake_slack.invalid.clear()


async def test_a_wrong_token_is_invalid_auth(fake_slack: FakeSlack) -> None:
    client = app_client(fake_slack)
    client.token = "xoxb-someone-else"

    with pytest.raises(SlackApiError) as raised:
        await client.auth_test()

    assert raised.value.response["error"] == "invalid_auth"
