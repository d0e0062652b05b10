"""App Home preferences."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.home import TOGGLE_ACTION_DMS
from bot.handlers.common import home_scope_of, publish_home, sessions_of, value_of
from bot.services import subscriptions
from bot.services.workspaces import Actor


async def toggle_action_dms(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    enabled = value_of(body) == "on"
    async with sessions_of(context).begin() as session:
        await subscriptions.set_action_dms(session, actor=Actor.from_context(context), enabled=enabled)
    await publish_home(client, context, user_id=body["user"]["id"], scope=home_scope_of(body))


def register(app: AsyncApp) -> None:
    app.action(TOGGLE_ACTION_DMS)(toggle_action_dms)
