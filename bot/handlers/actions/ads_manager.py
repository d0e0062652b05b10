"""*Add to Ads Manager* on a video's alert or in its details (managers only)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.videos import (
    VIDEO_ADD_TO_ADS,
    VIDEO_LIST_ADD_ALL,
    render_ads_bulk_started,
    render_ads_queued,
)
from bot.handlers.actions.videos import details_view
from bot.handlers.common import in_modal, open_or_push, sessions_of, value_id
from bot.services import spark_checks
from bot.services.workspaces import Actor


async def add_to_ads_manager(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    await ack()
    async with sessions_of(context).begin() as session:
        request = await spark_checks.add_to_ads_manager(
            session, actor=Actor.from_context(context), video_id=value_id(body)
        )
        details, _ = await details_view(
            session, context, video=request.video, project=request.project, manager=True
        )
    if in_modal(body):
        current = body.get("view") or {}
        await client.views_update(view_id=current.get("id"), view=details)
        return
    await respond(
        response_type="ephemeral",
        replace_original=False,
        **render_ads_queued(request.queued, request.accounts),
    )


async def add_all_to_ads_manager(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    async with sessions_of(context).begin() as session:
        bulk = await spark_checks.add_project_codes(
            session, actor=Actor.from_context(context), project_id=value_id(body)
        )
    await open_or_push(
        client, body, render_ads_bulk_started(bulk.project, videos=bulk.videos, calls=bulk.calls)
    )


def register(app: AsyncApp) -> None:
    app.action(VIDEO_ADD_TO_ADS)(add_to_ads_manager)
    app.action(VIDEO_LIST_ADD_ALL)(add_all_to_ads_manager)
