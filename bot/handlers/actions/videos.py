"""Buttons on new-video alerts, in video details and in the videos list: details, spark code,
approve, reject, and the digest's way to what needs review."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

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
    render_video_list,
)
from bot.handlers.actions.video_pages import video_list_view
from bot.services import reviews, spark_checks
from bot.services.errors import NotFound
from bot.services.performance import report as performance_report
from bot.services.video_lookups import cached_thumbnail
from bot.services.videos import TO_REVIEW, VIDEO_PAGE_SIZE
from bot.services.workspaces import Actor
from storage.models import ReviewState


def _id_of(body: dict[str, Any], what: str) -> int:
    """The id in the clicked button's value (set by our renderers)."""
    value = str(body["actions"][0].get("value") or "")
    if not value.isdigit():
        raise NotFound(f"That {what} doesn't exist any more, or isn't in this workspace.")
    return int(value)


def _in_modal(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view"


async def _review(
    state: ReviewState,
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    await ack()
    video_id = _id_of(body, "video")
    actor = Actor.from_context(context)
    async with context["sessions"].begin() as session:
        change = await reviews.set_review(session, actor=actor, video_id=video_id, state=state)
        ads = await spark_checks.ads_view(
            session, settings=context["settings"], video=change.video, project=change.project
        )
        alert = render_video_alert(
            change.video,
            change.project,
            reviewed_by=actor.user_id,
            ads_manager=ads.connected,
            placements=ads.placements,
        )
        details = render_video_details(
            change.video, change.project, manager=True, ads_manager=ads.connected, placements=ads.placements
        )
    if _in_modal(body):
        # the details modal shows the decision at once; posted alerts follow through the outbox
        current = body.get("view") or {}
        if current.get("callback_id") == "video_details":
            await client.views_update(view_id=current.get("id"), hash=current.get("hash"), view=details)
        return
    await respond(replace_original=True, **alert)


async def approve(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    await _review(ReviewState.APPROVED, ack, body, client, context, respond)


async def reject(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    await _review(ReviewState.REJECTED, ack, body, client, context, respond)


async def view_details(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    video_id = _id_of(body, "video")
    async with context["sessions"]() as session:
        details = await reviews.get_video(session, actor=Actor.from_context(context), video_id=video_id)
        thumbnail = await cached_thumbnail(session, video=details.video)
        assert details.video.id is not None
        figures = await performance_report.video_figures(
            session, project=details.project, video_id=details.video.id
        )
        settings = context["settings"]
        connected = await performance_report.has_report_source(
            session,
            workspace_id=details.project.workspace_id,
            settings_token=bool(settings.tiktok_business_access_token) and not settings.oauth_enabled,
        )
        ads = await spark_checks.ads_view(
            session, settings=context["settings"], video=details.video, project=details.project
        )
    view = render_video_details(
        details.video,
        details.project,
        manager=details.manager,
        thumbnail_url=thumbnail,
        lookups=bool(context["settings"].tiktok_oembed_url),
        performance=video_figures_blocks(figures) if connected or figures else None,
        ads_manager=ads.connected,
        placements=ads.placements,
    )
    if _in_modal(body):
        await client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        await client.views_open(trigger_id=body["trigger_id"], view=view)


async def copy_spark_code(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    respond: AsyncRespond,
) -> None:
    await ack()
    video_id = _id_of(body, "video")
    async with context["sessions"]() as session:
        details = await reviews.get_video(
            session, actor=Actor.from_context(context), video_id=video_id, require_spark_code=True
        )
    code = details.video.spark_code
    if not code:
        raise NotFound("This video has no spark code yet.")
    if _in_modal(body):
        # a modal has no message to answer under: the code alone in a small modal on top
        await client.views_push(trigger_id=body["trigger_id"], view=render_spark_code_modal(details.video))
        return
    # the code alone, so a long press or a triple click copies exactly it
    await respond(response_type="ephemeral", replace_original=False, text=code)


async def show_videos(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    project_id = _id_of(body, "project")
    async with context["sessions"]() as session:
        listing = await reviews.list_videos(
            session, actor=Actor.from_context(context), project_id=project_id, limit=VIDEO_PAGE_SIZE
        )
    view = render_video_list(listing.project, listing.videos, listing.total)
    if _in_modal(body):
        await client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        await client.views_open(trigger_id=body["trigger_id"], view=view)


async def show_to_review(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    project_id = _id_of(body, "project")
    view = await video_list_view(context, project_id=project_id, status=TO_REVIEW)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: AsyncApp) -> None:
    app.action(VIDEO_APPROVE)(approve)
    app.action(VIDEO_REJECT)(reject)
    app.action(VIDEO_DETAILS)(view_details)
    app.action(VIDEO_COPY_SPARK_CODE)(copy_spark_code)
    app.action(SHOW_VIDEOS)(show_videos)
    # the digest has one button per project (action ids must differ within a block)
    app.action(re.compile(f"^{VIDEO_LIST_TO_REVIEW}(_[0-9]+)?$"))(show_to_review)
