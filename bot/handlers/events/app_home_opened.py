"""Publish the App Home tab when someone opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.handlers.common import publish_home, sessions_of
from bot.services import home_views
from bot.services.workspaces import Actor


async def publish_home_on_open(
    event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    if event.get("tab") != "home":
        return
    actor = Actor(
        team_id=context.team_id or "", user_id=event["user"], enterprise_id=context.enterprise_id or ""
    )
    # changes made while the tab may be on screen are published to it (see services/home_views)
    async with sessions_of(context).begin() as session:
        await home_views.record_open(session, actor=actor)
    await publish_home(client, context, user_id=event["user"])
