"""The videos list's filter and pages (views.update in place), shared with `/liteproject videos`."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.videos import VIDEO_LIST_FILTER, VIDEO_LIST_PAGE, render_video_list
from bot.handlers.common import metadata_id, sessions_of, settings_of, value_id, value_of, value_parts
from bot.handlers.views.values import as_int
from bot.services import connections, spark_checks, videos
from bot.services.videos import VIDEO_PAGE_SIZE
from bot.services.workspaces import Actor
from storage.models import TikTokConnectionKind


async def video_list_view(
    context: AsyncBoltContext, *, project_id: int, status: str | None = None, offset: int = 0
) -> dict[str, Any]:
    async with sessions_of(context)() as session:
        page = await videos.list_videos(
            session,
            actor=Actor.from_context(context),
            project_id=project_id,
            status=status,
            offset=offset,
            limit=VIDEO_PAGE_SIZE,
        )
        addable = 0
        if await connections.is_connected(
            session,
            settings=settings_of(context),
            workspace_id=page.project.workspace_id,
            kind=TikTokConnectionKind.BUSINESS,
        ):
            addable = len(await spark_checks.addable_videos(session, project=page.project))
    return render_video_list(
        page.project, page.videos, page.total, offset=page.offset, status=page.status, addable=addable
    )


async def _update(client: AsyncWebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    current = body.get("view") or {}
    await client.views_update(view_id=current.get("id"), hash=current.get("hash"), view=view)


async def filter_videos(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    project_id = metadata_id(body.get("view"), "project_id")
    view = await video_list_view(context, project_id=project_id, status=value_of(body) or None)
    await _update(client, body, view)


async def turn_video_page(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    _, status, offset = value_parts(body, 3)
    view = await video_list_view(
        context, project_id=value_id(body), status=status or None, offset=as_int(offset) or 0
    )
    await _update(client, body, view)


def register(app: AsyncApp) -> None:
    app.action(VIDEO_LIST_FILTER)(filter_videos)
    app.action(re.compile(f"^{VIDEO_LIST_PAGE}_(prev|next)$"))(turn_video_page)
