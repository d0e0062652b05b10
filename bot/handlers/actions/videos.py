"""Buttons on new-video alerts, in video details and in the videos list: details, spark code,
approve, reject, and the digest's way to what needs review."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.performance import video_figures_blocks
from bot.blocks.projects import SHOW_VIDEOS
from bot.blocks.videos import (
    VIDEO_APPROVE,
    VIDEO_COPY_SPARK_CODE,
    VIDEO_DETAILS,
    VIDEO_LIST_TO_REVIEW,
    VIDEO_REJECT,
    render_spark_code_modal,
    render_video_alert,
    render_video_details,
)
from bot.handlers.actions.video_pages import video_list_view
from bot.handlers.common import action_id_of, in_modal, open_or_push, sessions_of, settings_of, value_id
from bot.services import reviews, spark_checks
from bot.services.errors import NotFound
from bot.services.performance import report as performance_report
from bot.services.spark_checks import AdsView
from bot.services.video_lookups import cached_thumbnail
from bot.services.videos import TO_REVIEW
from bot.services.workspaces import Actor
from storage.models import LiteProject, ReviewState, Video


async def details_view(
    session: AsyncSession, context: AsyncBoltContext, *, video: Video, project: LiteProject, manager: bool
) -> tuple[dict[str, Any], AdsView]:
    """The *View details* modal of a video, and what it shows about Ads Manager (alerts show it too)."""
    settings = settings_of(context)
    assert video.id is not None
    figures = await performance_report.video_figures(session, project=project, video_id=video.id)
    connected = await performance_report.has_report_source(
        session,
        workspace_id=project.workspace_id,
        settings_token=bool(settings.tiktok_business_access_token) and not settings.oauth_enabled,
    )
    ads = await spark_checks.ads_view(session, settings=settings, video=video, project=project)
    view = render_video_details(
        video,
        project,
        manager=manager,
        thumbnail_url=await cached_thumbnail(session, video=video),
        lookups=bool(settings.tiktok_oembed_url),
        performance=video_figures_blocks(figures) if connected or figures else None,
        ads_manager=ads.connected,
        placements=ads.placements,
    )
    return view, ads


async def review(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    """*Approve* or *Reject*, on an alert or in the details modal."""
    await ack()
    approved = action_id_of(body) == VIDEO_APPROVE
    state = ReviewState.APPROVED if approved else ReviewState.REJECTED
    actor = Actor.from_context(context)
    async with sessions_of(context).begin() as session:
        change = await reviews.set_review(session, actor=actor, video_id=value_id(body), state=state)
        details, ads = await details_view(
            session, context, video=change.video, project=change.project, manager=True
        )
    if in_modal(body):
        # the details modal shows the decision at once; posted alerts follow through the outbox
        current = body.get("view") or {}
        if current.get("callback_id") == "video_details":
            await client.views_update(view_id=current.get("id"), hash=current.get("hash"), view=details)
        return
    alert = render_video_alert(
        change.video,
        change.project,
        reviewed_by=actor.user_id,
        ads_manager=ads.connected,
        placements=ads.placements,
    )
    await respond(replace_original=True, **alert)


async def view_details(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    async with sessions_of(context)() as session:
        details = await reviews.get_video(session, actor=Actor.from_context(context), video_id=value_id(body))
        view, _ = await details_view(
            session, context, video=details.video, project=details.project, manager=details.manager
        )
    await open_or_push(client, body, view)


async def copy_spark_code(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    await ack()
    async with sessions_of(context)() as session:
        details = await reviews.get_video(
            session, actor=Actor.from_context(context), video_id=value_id(body), require_spark_code=True
        )
    code = details.video.spark_code
    if not code:
        raise NotFound("This video has no spark code yet.")
    if in_modal(body):
        # a modal has no message to answer under: the code alone in a small modal on top
        await client.views_push(trigger_id=body["trigger_id"], view=render_spark_code_modal(details.video))
        return
    # the code alone, so a long press or a triple click copies exactly it
    await respond(response_type="ephemeral", replace_original=False, text=code)


async def show_videos(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    await open_or_push(client, body, await video_list_view(context, project_id=value_id(body)))


async def show_to_review(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    view = await video_list_view(context, project_id=value_id(body), status=TO_REVIEW)
    await open_or_push(client, body, view)


def register(app: AsyncApp) -> None:
    app.action(VIDEO_APPROVE)(review)
    app.action(VIDEO_REJECT)(review)
    app.action(VIDEO_DETAILS)(view_details)
    app.action(VIDEO_COPY_SPARK_CODE)(copy_spark_code)
    app.action(SHOW_VIDEOS)(show_videos)
    # the digest has one button per project (action ids must differ within a block)
    app.action(re.compile(f"^{VIDEO_LIST_TO_REVIEW}(_[0-9]+)?$"))(show_to_review)
