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
    render_video_details,
)
from bot.handlers.actions.videos import _id_of, _in_modal
from bot.services import spark_checks
from bot.services.video_lookups import cached_thumbnail
from bot.services.workspaces import Actor


async def add_to_ads_manager(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    await ack()
    video_id = _id_of(body, "video")
    settings = context["settings"]
    async with context["sessions"].begin() as session:
        request = await spark_checks.add_to_ads_manager(
            session, actor=Actor.from_context(context), video_id=video_id
        )
        ads = await spark_checks.ads_view(
            session, settings=settings, video=request.video, project=request.project
        )
        details = render_video_details(
            request.video,
            request.project,
            manager=True,
            thumbnail_url=await cached_thumbnail(session, video=request.video),
            lookups=bool(settings.tiktok_oembed_url),
            ads_manager=ads.connected,
            placements=ads.placements,
        )
    if _in_modal(body):
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
    project_id = _id_of(body, "project")
    async with context["sessions"].begin() as session:
        bulk = await spark_checks.add_project_codes(
            session, actor=Actor.from_context(context), project_id=project_id
        )
    view = render_ads_bulk_started(bulk.project, videos=bulk.videos, calls=bulk.calls)
    if _in_modal(body):
        await client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        await client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: AsyncApp) -> None:
    app.action(VIDEO_ADD_TO_ADS)(add_to_ads_manager)
    app.action(VIDEO_LIST_ADD_ALL)(add_all_to_ads_manager)
