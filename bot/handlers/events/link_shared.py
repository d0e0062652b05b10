"""Preview this app's invite links and the workspace's collected TikTok videos when pasted."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.unfurls import render_unfurls
from bot.handlers.common import sessions_of, settings_of
from bot.services import unfurls


async def unfurl_links(event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
    urls = [str(link.get("url", "")) for link in event.get("links", []) if isinstance(link, dict)]
    async with sessions_of(context)() as session:
        found = await unfurls.previews(
            session,
            team_id=context.team_id or "",
            enterprise_id=context.enterprise_id or "",
            urls=urls,
            public_base_url=settings_of(context).public_base_url,
        )
    if not found:
        return  # other links are left to Slack
    target: dict[str, Any] = (
        {"source": event["source"], "unfurl_id": event["unfurl_id"]}
        if event.get("unfurl_id") and event.get("source")
        else {"channel": event.get("channel"), "ts": event.get("message_ts")}
    )
    await client.chat_unfurl(unfurls=render_unfurls(found), **target)
