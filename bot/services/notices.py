"""What channels hear: outbox rows written in the caller's transaction.

A row carries the event's data, not its Slack text: the dispatcher renders it when it sends, so
the project card always shows the project as it is then. Each event goes to the project's
channel (in the card's thread) and to every channel subscribed to it whose filters match.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import listing
from storage import alerts as alert_queries
from storage import outbox as outbox_queries
from storage import preferences as preference_queries
from storage.models import LiteProject, Video
from storage.preferences import Recipients


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
    LINKING_REQUESTS_SENT = "linking_requests_sent"  # a count in the thread; the links only to the sender
    PROJECT_ARCHIVED = "project_archived"
    PROJECT_RESTORED = "project_restored"
    VIDEO_ALERT_UPDATE = "video_alert_update"  # an alert already posted, edited in place
    BRAND_DOMAIN_CHANGED = "brand_domain_changed"  # an admin moved a used brand to another domain
    VIDEO_UNAVAILABLE = "video_unavailable"  # TikTok no longer shows a delivered video
    VIDEO_NOT_THE_OWNERS = "video_not_the_owners"  # TikTok says it is on another account
    TIKTOK_RECONNECT = "tiktok_reconnect"  # a DM: TikTok refused the workspace's connection
    TIKTOK_ONE_CHOICES = "tiktok_one_choices"  # a DM: the TikTok One lite projects to adopt one from
    PERFORMANCE_WEEKLY = "performance_weekly"  # the week's results, in the card's thread
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
    NoticeKind.PERFORMANCE_WEEKLY: "performance",
}
EVENTS = ("created", "delivered", "authorized", "declined", "paused", "resumed", "reminders", "performance")
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
    refresh_key = card_refresh_key(project.id) if kind is NoticeKind.PROJECT_CARD else None
    if kind is not NoticeKind.PROJECT_CREATED:  # the card itself announces a new project there
        queued = await outbox_queries.add_outbox_message(
            session,
            workspace_id=project.workspace_id,
            dedup_key=dedup_key,
            kind=kind.value,
            channel_id=project.channel_id,
            payload={**payload, "primary": True},
            event=event,
            refresh_key=refresh_key,
        )
    if event is None:
        return queued
    subscriptions = await preference_queries.subscriptions_for_project(
        session, workspace_id=project.workspace_id, project_id=project.id
    )
    for channel_id in subscribed_channels(
        subscriptions, project=project, event=event, creator_handle=creator_handle
    ):
        queued |= await outbox_queries.add_outbox_message(
            session,
            workspace_id=project.workspace_id,
            dedup_key=f"{dedup_key}:{channel_id}",
            kind=kind.value,
            channel_id=channel_id,
            payload={**payload, "primary": False},
            event=event,
        )
    return queued


class SubscriptionLike(Protocol):
    """A `Subscription`, or the same columns read in a write unit."""

    @property
    def channel_id(self) -> str: ...
    @property
    def project_id(self) -> int | None: ...
    @property
    def events(self) -> list[str]: ...
    @property
    def creator_handle(self) -> str | None: ...


def subscribed_channels(
    subscriptions: Iterable[SubscriptionLike], *, project: LiteProject, event: str, creator_handle: str | None
) -> list[str]:
    """The channels besides the project's own that hear of `event` through their subscriptions."""
    channels = []
    for subscription in subscriptions:
        if subscription.channel_id == project.channel_id or event not in subscription.events:
            continue
        if subscription.project_id is None and project.archived_at is not None:
            continue  # `subscribe all` follows the live projects; an archived one is kept quiet
        if subscription.creator_handle and subscription.creator_handle != (creator_handle or "").lower():
            continue
        channels.append(subscription.channel_id)
    return channels


def card_refresh_key(project_id: int) -> str:
    """What every queued refresh of one project's card shares (see `queue_card_refresh`)."""
    return f"project-card:{project_id}"


async def queue_card_refresh(session: AsyncSession, *, project: LiteProject, reason: str) -> bool:
    """Post the project card, or edit it in place once posted; `reason` makes the key unique.

    The card is drawn from the project as it is when sent, so one queued refresh serves any
    number of changes: a burst of deliveries edits the card once, not once each.
    """
    assert project.id is not None
    # what the card shows is what a project list shows: both go stale together
    listing.changed(session, workspace_id=project.workspace_id)
    if await outbox_queries.touch_pending_outbox_message(session, refresh_key=card_refresh_key(project.id)):
        return False
    return await queue_notice(
        session,
        project=project,
        kind=NoticeKind.PROJECT_CARD,
        dedup_key=f"project-card:{project.id}:{reason}",
    )


@dataclass(frozen=True)
class DeliveryNotices:
    """The outbox rows of a new video's notices: its alerts, the reviewers' DMs and the card refresh
    (queued unless a queued refresh is found: see `storage.outbox.insert_outbox_messages`)."""

    alerts: list[dict[str, Any]]
    dms: list[dict[str, Any]]
    card: dict[str, Any]

    def alert_queued(self, queued: Iterable[str]) -> bool:
        """Whether an alert is among the `queued` dedup keys (False: it was queued before)."""
        keys = set(queued)
        return any(alert["dedup_key"] in keys for alert in self.alerts)


def delivery_notices(project: LiteProject, video: Video, recipients: Recipients) -> DeliveryNotices:
    """A new video's alert (to the project's channel and its subscribers), a DM to each of the people
    who review deliveries (the owner and the project's managers) who wants them, and the card
    refresh: the same rows as `queue_notice`, `queue_action_dm` and `queue_card_refresh` write."""
    assert project.id is not None and video.id is not None
    kind = NoticeKind.VIDEO_DELIVERED
    key = f"video-delivered:{video.id}"
    data = {"project_id": project.id, "video_id": video.id}
    channels = subscribed_channels(
        recipients.subscriptions,
        project=project,
        event=EVENT_OF_KIND[kind],
        creator_handle=video.creator_handle,
    )
    alerts = [_row(project, kind, key, project.channel_id, {**data, "primary": True})]
    alerts += [
        _row(project, kind, f"{key}:{channel}", channel, {**data, "primary": False}) for channel in channels
    ]
    dms = [
        _row(
            project,
            kind,
            f"{key}:dm:{user_id}",
            user_id,
            {"project_id": project.id, "primary": False, "dm": True, **data},
        )
        for user_id in recipients.dm_users
    ]
    return DeliveryNotices(alerts, dms, _card_refresh_row(project, reason=f"video-{video.id}"))


def queue_delivery_notices_in_unit(
    connection: Connection, *, project: LiteProject, video: Video, recipients: Recipients | None = None
) -> bool:
    """The `delivery_notices` of a new video, each once by its key, in a write unit (see
    `storage.writer`), one INSERT a row, the card refresh's lookup riding along with the first on
    PostgreSQL.

    `recipients`: the project's, when the caller read them with the project (else they are read here).
    True when the alert is new (False: it was queued before). The caller marks the listings stale.
    """
    assert project.id is not None
    found = (
        recipients
        if recipients is not None
        else preference_queries.delivery_recipients(
            connection, workspace_id=project.workspace_id, project_id=project.id, owner=project.created_by
        )
    )
    notices = delivery_notices(project, video, found)
    queued = outbox_queries.insert_outbox_messages(
        connection, [*notices.alerts, *notices.dms], refresh=notices.card
    )
    return notices.alert_queued(queued)


def queue_created_notices_in_unit(connection: Connection, *, project: LiteProject, reason: str) -> None:
    """A new project's card, and its `created` notice to the channels subscribed to it, in a write
    unit (see `storage.writer`): the rows `queue_card_refresh` and `queue_notice` write, from one
    read and two writes. The caller marks the listings stale."""
    assert project.id is not None
    kind = NoticeKind.PROJECT_CREATED  # the card itself announces it in the project's channel
    key = f"project-created:{project.id}"
    found = preference_queries.delivery_recipients(
        connection, workspace_id=project.workspace_id, project_id=project.id, owner=project.created_by
    )
    channels = subscribed_channels(
        found.subscriptions, project=project, event=EVENT_OF_KIND[kind], creator_handle=None
    )
    notices = [
        _row(project, kind, f"{key}:{channel}", channel, {"project_id": project.id, "primary": False})
        for channel in channels
    ]
    outbox_queries.insert_outbox_messages(
        connection, notices, refresh=_card_refresh_row(project, reason=reason)
    )


def _card_refresh_row(project: LiteProject, *, reason: str) -> dict[str, Any]:
    """`queue_card_refresh`'s row, for a write unit: queued unless a queued refresh is found (see
    `storage.outbox.insert_outbox_messages`)."""
    assert project.id is not None
    payload = {"project_id": project.id, "primary": True}
    dedup_key = f"project-card:{project.id}:{reason}"
    return _row(
        project,
        NoticeKind.PROJECT_CARD,
        dedup_key,
        project.channel_id,
        payload,
        refresh_key=card_refresh_key(project.id),
    )


def _row(
    project: LiteProject,
    kind: NoticeKind,
    dedup_key: str,
    channel_id: str,
    payload: dict[str, Any],
    *,
    refresh_key: str | None = None,
) -> dict[str, Any]:
    """An outbox row of the project's workspace, as `queue_notice` writes it."""
    return outbox_queries.outbox_row(
        workspace_id=project.workspace_id,
        dedup_key=dedup_key,
        kind=kind.value,
        channel_id=channel_id,
        payload=payload,
        event=EVENT_OF_KIND.get(kind),
        refresh_key=refresh_key,
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
    settings = await preference_queries.get_user_settings(
        session, workspace_id=project.workspace_id, user_id=user_id
    )
    if settings is None or not settings.action_dms:
        return False
    return await outbox_queries.add_outbox_message(
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
        queued += await outbox_queries.add_outbox_message(
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


async def queue_linking_requests_sent(
    session: AsyncSession, *, project: LiteProject, actor_id: str, request_ids: list[int]
) -> None:
    """Linking-request links are bearer secrets: the sender gets them in a DM, the thread a count."""
    assert project.id is not None and request_ids
    key = f"linking-sent:{request_ids[0]}"
    data = {"project_id": project.id, "actor": actor_id, "request_ids": request_ids}
    await outbox_queries.add_outbox_message(
        session,
        workspace_id=project.workspace_id,
        dedup_key=key,
        kind=NoticeKind.LINKING_REQUESTS_SENT.value,
        channel_id=project.channel_id,
        payload={**data, "primary": True},
    )
    await outbox_queries.add_outbox_message(
        session,
        workspace_id=project.workspace_id,
        dedup_key=f"{key}:dm:{actor_id}",
        kind=NoticeKind.LINKING_REQUESTS_SENT.value,
        channel_id=actor_id,
        payload={**data, "primary": False, "links": True},
    )
