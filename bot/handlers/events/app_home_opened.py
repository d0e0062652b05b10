"""Publish the App Home tab when someone opens it."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.home import render_home
from bot.handlers.commands.registry import listed


async def publish_home(event: dict[str, Any], client: AsyncWebClient) -> None:
    if event.get("tab") != "home":
        return
    await client.views_publish(user_id=event["user"], view=render_home(listed()))
