"""Turn an outbox row into the Slack message to send, from the project as it is now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.connections import render_reconnect_dm, render_tiktok_one_choices
from bot.blocks.digests import SHOWN, deliveries_per_project, render_delivery_digest
from bot.blocks.linking import render_requests_message, render_requests_sent
from bot.blocks.performance import render_weekly
from bot.blocks.projects import (
    render_archive_notice,
    render_brand_domain_notice,
    render_bulk_summary,
    render_invite_card,
    render_moved_card,
    render_pause_notice,
    render_project_updated,
    with_dm_note,
    with_subscription_note,
)
from bot.blocks.videos import render_ads_summary
from bot.notify.linking import render_reminder, render_video_authorized, render_video_declined
from bot.notify.videos import render_video_check, render_video_delivered
from bot.services import projects
from bot.services.linking import Confirmation, CreatedRequest
from bot.services.notices import EVENT_OF_KIND, NoticeKind
from bot.services.performance import weekly
from bot.services.subscriptions import broadcast_events
from bot.settings import Settings
from storage import videos as video_queries
from storage.linking import request_videos
from storage.models import LinkingRequest, LiteProject, OutboxMessage, Video
from storage.outbox import DigestMember
from storage.sql import rows_by_ids


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
    if kind is NoticeKind.TIKTOK_ONE_CHOICES:
        return Outgoing(
            channel=message.channel_id, **render_tiktok_one_choices(project.link_name, message.payload)
        )
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
    if kind is NoticeKind.LINKING_REQUESTS_SENT:
        return await render_linking_sent(session, project, message, settings)
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
    elif kind in (NoticeKind.PROJECT_ARCHIVED, NoticeKind.PROJECT_RESTORED):
        archived = kind is NoticeKind.PROJECT_ARCHIVED
        body = render_archive_notice(project, actor_id=message.payload.get("actor", ""), archived=archived)
    elif kind is NoticeKind.PROJECT_UPDATED:
        body = await render_update_note(session, project, message.payload)
    elif kind is NoticeKind.REMINDER:
        body = await render_reminder(session, project, message.payload, settings)
    elif kind is NoticeKind.BRAND_DOMAIN_CHANGED:
        body = render_brand_domain_notice(project, message.payload)
    elif kind in (NoticeKind.VIDEO_UNAVAILABLE, NoticeKind.VIDEO_NOT_THE_OWNERS):
        body = await render_video_check(session, project, message.payload)
    elif kind is NoticeKind.PERFORMANCE_WEEKLY:
        weekly = await render_weekly_performance(session, project, message.payload)
        if weekly is None:
            return Outgoing(channel=message.channel_id, skip=True)
        body = weekly
    elif kind is NoticeKind.ADS_SUMMARY:
        body = render_ads_summary(project, message.payload)
    else:
        raise ValueError(f"no renderer for outbox kind {message.kind!r}")
    if message.payload.get("dm"):
        # a DM: standalone, saying which project and where the person switches these off
        return Outgoing(channel=message.channel_id, **with_dm_note(body, project))
    if not message.payload.get("primary"):
        # a subscribed channel: standalone, saying which project it is about
        return Outgoing(channel=message.channel_id, **with_subscription_note(body, project))
    return await in_card_thread(session, project, message, body)


async def render_update_note(
    session: AsyncSession, project: LiteProject, payload: dict[str, Any]
) -> dict[str, Any]:
    before, after = payload.get("before") or {}, payload.get("after") or {}
    names = await projects.account_names(
        session, workspace_id=project.workspace_id, snapshots=(before, after)
    )
    return render_project_updated(
        project, actor_id=payload.get("actor", ""), before=before, after=after, accounts=names
    )


async def render_linking_sent(
    session: AsyncSession, project: LiteProject, message: OutboxMessage, settings: Settings
) -> Outgoing:
    """The links to the sender's DM; to the project's thread only how many went to whom."""
    items = []
    for request_id in message.payload.get("request_ids", []):
        request = await session.get(LinkingRequest, request_id)
        if request is not None and request.id is not None:
            videos = list(await request_videos(session, linking_request_id=request.id))
            items.append(CreatedRequest(request=request, videos=videos))
    if not items:
        return Outgoing(channel=message.channel_id, skip=True)
    actor = message.payload.get("actor", "")
    if message.payload.get("links"):
        confirmation = Confirmation(project=project, requests=items, skipped=[])
        dm = render_requests_message(confirmation, settings.public_base_url, actor_id=actor)
        return Outgoing(channel=message.channel_id, **dm)
    handles = [item.request.creator_handle for item in items]
    body = render_requests_sent(project, actor_id=actor, handles=handles)
    return await in_card_thread(session, project, message, body)


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
    # a bulk change's notes stay in the threads: the channel gets one summary instead
    shown = event in broadcast and not message.payload.get("bulk")
    return Outgoing(channel=message.channel_id, thread_ts=project.card_ts, reply_broadcast=shown, **body)


async def render_digest(session: AsyncSession, rows: Sequence[DigestMember], settings: Settings) -> Outgoing:
    """One message for deliveries folded together because the channel had many in a short time."""
    pairs = [(row.payload.get("project_id"), row.payload.get("video_id")) for row in rows]
    # A busy minute's digest has thousands of rows, and the message lists the first `SHOWN`:
    # those are the videos read whole; the others are only counted, a query per chunk of them
    existing = await video_queries.existing_video_ids(
        session, ids=[video_id for _, video_id in pairs if isinstance(video_id, int)]
    )
    projects = await rows_by_ids(
        session, LiteProject, ids=list({project_id for project_id, _ in pairs if isinstance(project_id, int)})
    )
    kept = [
        (project_id, video_id)
        for project_id, video_id in pairs
        if project_id in projects and video_id in existing
    ]
    if not kept:
        return Outgoing(channel=rows[0].channel_id, skip=True)
    shown = kept[:SHOWN]
    videos = await rows_by_ids(session, Video, ids=[video_id for _, video_id in shown])
    items = [(projects[project_id], videos[video_id]) for project_id, video_id in shown if video_id in videos]
    per_project = deliveries_per_project(projects[project_id] for project_id, _ in kept)
    return Outgoing(
        channel=rows[0].channel_id,
        **render_delivery_digest(items, count=len(kept), per_project=per_project),
    )


async def render_weekly_performance(
    session: AsyncSession, project: LiteProject, payload: dict[str, Any]
) -> dict[str, Any] | None:
    try:
        week_start = dt.date.fromisoformat(str(payload.get("week_start")))
    except ValueError:
        return None
    summary = await weekly.weekly_summary(session, project=project, week_start=week_start)
    return render_weekly(summary) if summary is not None else None
