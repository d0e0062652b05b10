"""Publish the App Home tab when someone opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.handlers.common import publish_home


async def publish_home_on_open(
    event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    if event.get("tab") != "home":
        return
    await publish_home(client, context, user_id=event["user"])
