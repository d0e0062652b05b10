"""Render linking-request answers and reminders for outbox rows, from the videos as they are now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.linking import (
    render_authorizations_ended,
    render_authorizations_ending,
    render_deadline_reminder,
    render_reminder_gone,
    render_videos_authorized,
    render_videos_declined,
)
from bot.blocks.videos import render_spark_code_arrived, render_video_gone
from bot.settings import Settings
from storage import videos as video_queries
from storage.models import LinkingRequest, LiteProject, Video


async def _videos(session: AsyncSession, project: LiteProject, payload: dict[str, Any]) -> Sequence[Video]:
    videos = []
    for video_id in payload.get("video_ids") or []:
        if not isinstance(video_id, int):
            continue
        video = await video_queries.get_video(session, workspace_id=project.workspace_id, video_id=video_id)
        if video is not None and video.project_id == project.id:
            videos.append(video)
    return videos


async def _handle(session: AsyncSession, project: LiteProject, payload: dict[str, Any]) -> str:
    request_id = payload.get("linking_request_id")
    request = await session.get(LinkingRequest, request_id) if isinstance(request_id, int) else None
    if request is None or request.project_id != project.id:
        return "a creator"
    return request.creator_handle


async def render_video_authorized(
    session: AsyncSession, project: LiteProject, payload: dict[str, Any], settings: Settings
) -> dict[str, Any]:
    videos = await _videos(session, project, payload)
    if payload.get("spark_code_arrived"):
        # a creator sent the code for a video delivered without it, through the invite link
        if not videos:
            return render_video_gone(project)
        return render_spark_code_arrived(project, videos[0])
    return render_videos_authorized(project, await _handle(session, project, payload), videos)


async def render_video_declined(
    session: AsyncSession, project: LiteProject, payload: dict[str, Any], settings: Settings
) -> dict[str, Any]:
    videos = await _videos(session, project, payload)
    return render_videos_declined(project, await _handle(session, project, payload), videos)


async def render_reminder(
    session: AsyncSession, project: LiteProject, payload: dict[str, Any], settings: Settings
) -> dict[str, Any]:
    kind = payload.get("reminder")
    if kind == "deadline":
        try:
            deadline = dt.date.fromisoformat(str(payload.get("deadline")))
            days_left = int(payload.get("days_left") or 0)
        except ValueError:
            return render_reminder_gone(project)
        return render_deadline_reminder(project, days_left=days_left, deadline=deadline)
    videos = await _videos(session, project, payload)
    if not videos:
        return render_reminder_gone(project)
    if kind == "ended":
        return render_authorizations_ended(project, videos)
    return render_authorizations_ending(project, videos, last_day=kind == "last_day")
