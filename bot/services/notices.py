"""What channels hear: outbox rows written in the caller's transaction.

A row carries the event's data, not its Slack text: the dispatcher renders it when it sends, so
the project card always shows the project as it is then. Each event goes to the project's
channel (in the card's thread) and to every channel subscribed to it whose filters match.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import alerts as alert_queries
from storage import crud
from storage.models import LiteProject, Video


class NoticeKind(str, enum.Enum):
    PROJECT_CARD = "project_card"
    PROJECT_CREATED = "project_created"
    PROJECT_PAUSED = "project_paused"
    PROJECT_RESUMED = "project_resumed"
    VIDEO_DELIVERED = "video_delivered"
    VIDEO_AUTHORIZED = "video_authorized"
    VIDEO_DECLINED = "video_declined"
    REMINDER = "reminder"
    BULK_SUMMARY = "bulk_summary"  # one message for a change made to many projects at once
    PROJECT_UPDATED = "project_updated"  # Edit details, in words, in the card's thread
    PROJECT_MOVED = "project_moved"  # the old card, once the project moved to another channel
    PROJECT_ARCHIVED = "project_archived"
    PROJECT_RESTORED = "project_restored"
    VIDEO_ALERT_UPDATE = "video_alert_update"  # an alert already posted, edited in place
    BRAND_DOMAIN_CHANGED = "brand_domain_changed"  # an admin moved a used brand to another domain
    VIDEO_UNAVAILABLE = "video_unavailable"  # TikTok no longer shows a delivered video
    TIKTOK_RECONNECT = "tiktok_reconnect"  # a DM: TikTok refused the workspace's connection
    ADS_SUMMARY = "ads_summary"  # a DM: codes of a project added to Ads Manager at once, the outcome


# the event names people subscribe to, per kind of notice
EVENT_OF_KIND = {
    NoticeKind.PROJECT_CREATED: "created",
    NoticeKind.PROJECT_PAUSED: "paused",
    NoticeKind.PROJECT_RESUMED: "resumed",
    NoticeKind.VIDEO_DELIVERED: "delivered",
    NoticeKind.VIDEO_AUTHORIZED: "authorized",
    NoticeKind.VIDEO_DECLINED: "declined",
    NoticeKind.REMINDER: "reminders",
}
EVENTS = ("created", "delivered", "authorized", "declined", "paused", "resumed", "reminders")
# also shown in the channel, not only in the card's thread, unless a channel chooses otherwise
DEFAULT_BROADCAST = ("delivered", "paused", "resumed")


async def queue_notice(
    session: AsyncSession,
    *,
    project: LiteProject,
    kind: NoticeKind,
    dedup_key: str,
    creator_handle: str | None = None,
    mute: bool = False,
    **data: Any,
) -> bool:
    """Queue an event for the project's channel and its subscribers; True when it was new.

    `mute` (bulk operations) keeps it out of channels: the caller posts one summary instead.
    """
    assert project.id is not None
    if mute:
        return False
    event = EVENT_OF_KIND.get(kind)
    payload = {"project_id": project.id, **data}
    queued = False
    if kind is not NoticeKind.PROJECT_CREATED:  # the card itself announces a new project there
        queued = await crud.add_outbox_message(
            session,
            workspace_id=project.workspace_id,
            dedup_key=dedup_key,
            kind=kind.value,
            channel_id=project.channel_id,
            payload={**payload, "primary": True},
            event=event,
        )
    if event is None:
        return queued
    subscriptions = await crud.subscriptions_for_project(
        session, workspace_id=project.workspace_id, project_id=project.id
    )
    for subscription in subscriptions:
        if subscription.channel_id == project.channel_id or event not in subscription.events:
            continue
        if subscription.creator_handle and subscription.creator_handle != (creator_handle or "").lower():
            continue
        queued |= await crud.add_outbox_message(
            session,
            workspace_id=project.workspace_id,
            dedup_key=f"{dedup_key}:{subscription.channel_id}",
            kind=kind.value,
            channel_id=subscription.channel_id,
            payload={**payload, "primary": False},
            event=event,
        )
    return queued


async def queue_card_refresh(session: AsyncSession, *, project: LiteProject, reason: str) -> bool:
    """Post the project card, or edit it in place once posted; `reason` makes the key unique.

    The card is drawn from the project as it is when sent, so one queued refresh serves any
    number of changes: a burst of deliveries edits the card once, not once each.
    """
    if await crud.touch_pending_outbox_message(session, dedup_prefix=f"project-card:{project.id}:"):
        return False
    return await queue_notice(
        session,
        project=project,
        kind=NoticeKind.PROJECT_CARD,
        dedup_key=f"project-card:{project.id}:{reason}",
    )


async def queue_action_dm(
    session: AsyncSession,
    *,
    project: LiteProject,
    user_id: str,
    kind: NoticeKind,
    dedup_key: str,
    **data: Any,
) -> bool:
    """A direct message about something that needs `user_id`'s action, if they want those."""
    assert project.id is not None
    settings = await crud.get_user_settings(session, workspace_id=project.workspace_id, user_id=user_id)
    if settings is None or not settings.action_dms:
        return False
    return await crud.add_outbox_message(
        session,
        workspace_id=project.workspace_id,
        dedup_key=f"{dedup_key}:dm:{user_id}",
        kind=kind.value,
        channel_id=user_id,
        payload={"project_id": project.id, "primary": False, "dm": True, **data},
        event=EVENT_OF_KIND.get(kind),
    )


async def queue_alert_refresh(
    session: AsyncSession, *, project: LiteProject, video: Video, reason: str, reviewed_by: str | None = None
) -> int:
    """Edit the video's alerts already posted (channel and subscribers) to show it as it is now.

    An alert not sent yet needs nothing: it is drawn from the video when it goes out. Alerts folded
    into a digest or sent as direct messages are left as they were. Returns how many were queued.
    """
    assert project.id is not None and video.id is not None
    queued = 0
    for posted in await alert_queries.posted_video_alerts(
        session, workspace_id=project.workspace_id, video_id=video.id
    ):
        queued += await crud.add_outbox_message(
            session,
            workspace_id=project.workspace_id,
            dedup_key=f"video-alert:{video.id}:{reason}:{posted.id}",
            kind=NoticeKind.VIDEO_ALERT_UPDATE.value,
            channel_id=posted.channel_id,
            payload={
                "project_id": project.id,
                "video_id": video.id,
                "update_ts": posted.slack_ts,
                "primary": bool(posted.payload.get("primary")),
                "reviewed_by": reviewed_by,
            },
        )
    return queued
