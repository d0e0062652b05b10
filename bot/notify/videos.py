"""Render the new-video alert for an outbox row, from the video as it is when it is sent."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.videos import render_video_alert, render_video_check_note, render_video_gone
from bot.services.spark_checks import ads_view
from bot.services.video_lookups import cached_thumbnail
from bot.settings import Settings
from storage import alerts as alert_queries
from storage import videos as video_queries
from storage.models import LiteProject, ReviewState, Video


async def _video_of(session: AsyncSession, project: LiteProject, payload: dict[str, Any]) -> Video | None:
    video_id = payload.get("video_id")
    video = (
        await video_queries.get_video(session, workspace_id=project.workspace_id, video_id=int(video_id))
        if isinstance(video_id, int)
        else None
    )
    return video if video is not None and video.project_id == project.id else None


async def render_video_delivered(
    session: AsyncSession, project: LiteProject, payload: dict[str, Any], settings: Settings
) -> dict[str, Any]:
    """Return {"text": ..., "blocks": [...]} for the video in payload["video_id"]."""
    video = await _video_of(session, project, payload)
    if video is None:
        return render_video_gone(project)
    reviewed_by = payload.get("reviewed_by")
    if not isinstance(reviewed_by, str) and video.review_state != ReviewState.UNREVIEWED:
        # an alert drawn after a review (or edited for another reason) still says who decided
        assert video.id is not None
        reviewed_by = await alert_queries.last_reviewer(
            session, workspace_id=project.workspace_id, video_id=video.id
        )
    ads = await ads_view(session, settings=settings, video=video, project=project)
    return render_video_alert(
        video,
        project,
        reviewed_by=reviewed_by if isinstance(reviewed_by, str) else None,
        thumbnail_url=await cached_thumbnail(session, video=video),
        lookups=bool(settings.tiktok_oembed_url),
        ads_manager=ads.connected,
        placements=ads.placements,
    )


async def render_video_check(
    session: AsyncSession, project: LiteProject, payload: dict[str, Any]
) -> dict[str, Any]:
    """A note in the thread: TikTok says a video is unavailable, or on another account."""
    video = await _video_of(session, project, payload)
    if video is None:
        return render_video_gone(project)
    return render_video_check_note(video, project)
