"""Turn an outbox row into the Slack message to send, from the project as it is now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.connections import render_reconnect_dm
from bot.blocks.digests import render_delivery_digest
from bot.blocks.projects import (
    render_brand_domain_notice,
    render_bulk_summary,
    render_invite_card,
    render_moved_card,
    render_pause_notice,
    render_project_updated,
    with_subscription_note,
)
from bot.blocks.videos import render_ads_summary
from bot.notify.linking import render_reminder, render_video_authorized, render_video_declined
from bot.notify.videos import render_video_delivered, render_video_unavailable
from bot.services import projects
from bot.services.notices import EVENT_OF_KIND, NoticeKind
from bot.services.subscriptions import broadcast_events
from bot.settings import Settings
from storage import crud
from storage.models import LiteProject, OutboxMessage, Video


@dataclass
class Outgoing:
    channel: str
    text: str = ""
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    reply_broadcast: bool = False
    update_ts: str | None = None  # edit this message in place instead of posting
    remember_card_of: int | None = None  # store the posted ts as this project's card
    skip: bool = False  # nothing to send any more (e.g. the project is gone)
    token: str | None = None  # the workspace's bot token in multi-workspace mode (else the client's)


async def render_outbox_message(
    session: AsyncSession, message: OutboxMessage, settings: Settings
) -> Outgoing:
    if message.kind == NoticeKind.BULK_SUMMARY.value:
        names = []
        for summarized_id in message.payload.get("project_ids", []):
            summarized = await session.get(LiteProject, summarized_id)
            if summarized is not None:
                names.append(summarized.link_name)
        summary = render_bulk_summary(
            names, actor_id=message.payload.get("actor", ""), active=bool(message.payload.get("active"))
        )
        return Outgoing(channel=message.channel_id, **summary)
    if message.kind == NoticeKind.TIKTOK_RECONNECT.value:
        return Outgoing(channel=message.channel_id, **render_reconnect_dm(message.payload, settings))
    project_id = message.payload.get("project_id")
    project = await session.get(LiteProject, project_id) if project_id is not None else None
    if project is None:
        return Outgoing(channel=message.channel_id, skip=True)
    kind = NoticeKind(message.kind)
    if kind is NoticeKind.PROJECT_CARD:
        overview = await projects.overview(session, project=project)
        card = render_invite_card(overview, projects.invite_url(settings.public_base_url, project))
        same_channel = project.card_ts is not None and project.card_channel_id == project.channel_id
        return Outgoing(
            channel=project.channel_id,
            update_ts=project.card_ts if same_channel else None,
            remember_card_of=project.id,
            **card,
        )
    if kind is NoticeKind.PROJECT_MOVED:
        moved = render_moved_card(project, actor_id=message.payload.get("actor", ""))
        return Outgoing(channel=message.channel_id, update_ts=message.payload.get("card_ts"), **moved)
    if kind is NoticeKind.VIDEO_ALERT_UPDATE:
        body = await render_video_delivered(session, project, message.payload, settings)
        if not message.payload.get("primary"):
            body = with_subscription_note(body, project)
        return Outgoing(channel=message.channel_id, update_ts=message.payload.get("update_ts"), **body)
    if kind is NoticeKind.PROJECT_CREATED:
        overview = await projects.overview(session, project=project)
        body = render_invite_card(overview, projects.invite_url(settings.public_base_url, project))
    elif kind in (NoticeKind.PROJECT_PAUSED, NoticeKind.PROJECT_RESUMED):
        paused = kind is NoticeKind.PROJECT_PAUSED
        body = render_pause_notice(project, actor_id=message.payload.get("actor", ""), paused=paused)
    elif kind is NoticeKind.VIDEO_DELIVERED:
        body = await render_video_delivered(session, project, message.payload, settings)
    elif kind is NoticeKind.VIDEO_AUTHORIZED:
        body = await render_video_authorized(session, project, message.payload, settings)
    elif kind is NoticeKind.VIDEO_DECLINED:
        body = await render_video_declined(session, project, message.payload, settings)
    elif kind is NoticeKind.PROJECT_UPDATED:
        body = await render_update_note(session, project, message.payload)
    elif kind is NoticeKind.REMINDER:
        body = await render_reminder(session, project, message.payload, settings)
    elif kind is NoticeKind.BRAND_DOMAIN_CHANGED:
        body = render_brand_domain_notice(project, message.payload)
    elif kind is NoticeKind.VIDEO_UNAVAILABLE:
        body = await render_video_unavailable(session, project, message.payload)
    elif kind is NoticeKind.ADS_SUMMARY:
        body = render_ads_summary(project, message.payload)
    else:
        raise ValueError(f"no renderer for outbox kind {message.kind!r}")
    if not message.payload.get("primary"):
        # a subscribed channel or a DM: standalone, saying which project it is about
        return Outgoing(channel=message.channel_id, **with_subscription_note(body, project))
    return await in_card_thread(session, project, message, body)


async def render_update_note(
    session: AsyncSession, project: LiteProject, payload: dict[str, Any]
) -> dict[str, Any]:
    before, after = payload.get("before") or {}, payload.get("after") or {}
    ids = {*(before.get("ads_account_ids") or []), *(after.get("ads_account_ids") or [])}
    accounts = (
        await crud.get_ads_accounts(session, workspace_id=project.workspace_id, ids=sorted(ids))
        if ids
        else []
    )
    names = {account.id: account.display_name for account in accounts if account.id is not None}
    return render_project_updated(
        project, actor_id=payload.get("actor", ""), before=before, after=after, accounts=names
    )


async def in_card_thread(
    session: AsyncSession, project: LiteProject, message: OutboxMessage, body: dict[str, Any]
) -> Outgoing:
    """Events go in the project card's thread; the channel's chosen events are broadcast too."""
    if not (project.card_ts and project.card_channel_id == message.channel_id):
        return Outgoing(channel=message.channel_id, **body)
    broadcast = await broadcast_events(
        session, workspace_id=project.workspace_id, channel_id=message.channel_id
    )
    event = EVENT_OF_KIND.get(NoticeKind(message.kind))
    return Outgoing(
        channel=message.channel_id, thread_ts=project.card_ts, reply_broadcast=event in broadcast, **body
    )


async def render_digest(session: AsyncSession, rows: Sequence[OutboxMessage], settings: Settings) -> Outgoing:
    """One message for deliveries folded together because the channel had many in a short time."""
    items: list[tuple[LiteProject, Video]] = []
    for row in rows:
        video = await session.get(Video, row.payload.get("video_id"))
        project = await session.get(LiteProject, row.payload.get("project_id"))
        if video is not None and project is not None:
            items.append((project, video))
    if not items:
        return Outgoing(channel=rows[0].channel_id, skip=True)
    return Outgoing(channel=rows[0].channel_id, **render_delivery_digest(items))
