"""The domain tables. Every row belongs to a workspace; queries are scoped by it (see the query modules beside this one).

Which fields may change after creation (brand, authorization period and anchor may not) is a rule of
bot/services/projects.py, not of these models: they describe rows, and nothing here refuses a write.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic_core import PydanticUndefined
from sqlalchemy import JSON, Column, DateTime, Index, TypeDecorator, UniqueConstraint, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect
from sqlalchemy.orm.attributes import manager_of_class
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores aware UTC datetimes and always returns them aware (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utc_field(*, nullable: bool = False, index: bool = False, default_now: bool = False) -> Any:
    column: Column[dt.datetime] = Column(UTCDateTime(), nullable=nullable, index=index)
    if default_now:
        return Field(default_factory=utcnow, sa_column=column)
    return Field(default=None, sa_column=column)


def enum_field(enum_type: type[enum.Enum], default: Any = ...) -> Any:
    """Store an enum as its value in a plain string column: new values need no type migration."""
    column_type = SAEnum(
        enum_type,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )
    return Field(default=default, sa_type=column_type)


class AuthorizationPeriod(enum.IntEnum):
    """TikTok's ad authorization durations, in days."""

    WEEK = 7
    MONTH = 30
    TWO_MONTHS = 60
    YEAR = 365


class AnchorKind(enum.StrEnum):
    WEBPAGE = "webpage"
    APP_DOWNLOAD = "app_download"
    GAMING = "gaming"
    TIKTOK_SHOP = "tiktok_shop"


class VideoSource(enum.StrEnum):
    INVITE_LINK = "invite_link"
    LINKING_REQUEST = "linking_request"


class VideoStatus(enum.StrEnum):
    DELIVERED = "delivered"
    PENDING_AUTHORIZATION = "pending_authorization"
    AUTHORIZED = "authorized"
    DECLINED = "declined"
    EXPIRED = "expired"


class ReviewState(enum.StrEnum):
    UNREVIEWED = "unreviewed"
    APPROVED = "approved"
    REJECTED = "rejected"


class LinkingRequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class OwnerCheck(enum.StrEnum):
    """Whether TikTok confirmed that a video is on the account of the creator who delivered it."""

    UNVERIFIED = "unverified"  # not looked up yet (or lookups are off): the link's handle proves nothing
    CONFIRMED = "confirmed"
    OTHER_ACCOUNT = "other_account"  # TikTok says the video is on another account


class SparkCheck(enum.StrEnum):
    """What TikTok API for Business said about a video's spark code."""

    UNCHECKED = "unchecked"  # not checked (no connection, or the check is on its way)
    VERIFIED = "verified"  # it unlocks this video; its real end date is known
    OTHER_VIDEO = "other_video"  # it unlocks a different video
    INVALID = "invalid"  # TikTok doesn't know it
    EXPIRED = "expired"  # its authorization has ended


class AdsPlacement(enum.StrEnum):
    """A spark code applied to one Ads Manager account (`tt_video/authorize/`)."""

    PENDING = "pending"
    ADDED = "added"
    ALREADY_ADDED = "already_added"
    REFUSED = "refused"  # with TikTok's reason


class JobState(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # parked after its last attempt, with the reason


class TikTokConnectionKind(enum.StrEnum):
    BUSINESS = "business"  # TikTok API for Business (an advertiser token: Ads Manager, spark codes)
    TIKTOK_ONE = "tiktok_one"  # TikTok One (creator marketplace campaigns)


class TikTokConnectionStatus(enum.StrEnum):
    CONNECTED = "connected"
    NEEDS_RECONNECTING = "needs_reconnecting"  # TikTok refused the token (revoked, expired)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


# --- workspaces -------------------------------------------------------------------------------


class Workspace(SQLModel, table=True):
    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("enterprise_id", "team_id", name="uq_workspace_team"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    # '' rather than NULL so the unique constraint holds for non-Grid workspaces too
    enterprise_id: str = Field(default="", max_length=32)
    name: str = Field(default="", max_length=200)
    created_at: dt.datetime = utc_field(default_now=True)


class TikTokConnection(SQLModel, table=True):
    """A workspace's connection to a TikTok API: its tokens (encrypted) and the accounts they reach."""

    __tablename__ = "tiktok_connections"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", name="uq_tiktok_connection_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    kind: TikTokConnectionKind = enum_field(TikTokConnectionKind)
    # Fernet tokens (see bot/services/connections): never the token itself
    access_token_encrypted: str = Field(max_length=2000)
    refresh_token_encrypted: str | None = Field(default=None, max_length=2000)
    # advertiser ids (business) or the TikTok One account id(s) the token may act for
    account_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: TikTokConnectionStatus = enum_field(TikTokConnectionStatus, TikTokConnectionStatus.CONNECTED)
    # a Slack user id, or "settings" for a token seeded from the environment
    connected_by: str = Field(max_length=32)
    connected_at: dt.datetime = utc_field(default_now=True)
    last_error: str | None = Field(default=None, max_length=500)


class TikTokOAuthState(SQLModel, table=True):
    """A one-time state of a TikTok connect flow, tied to the Slack user and workspace that began it."""

    __tablename__ = "tiktok_oauth_states"

    state: str = Field(primary_key=True, max_length=64)
    workspace_id: int = Field(foreign_key="workspaces.id")
    user_id: str = Field(max_length=32)
    kind: TikTokConnectionKind = enum_field(TikTokConnectionKind)
    expires_at: dt.datetime = utc_field()


# --- brand profiles ---------------------------------------------------------------------------


class BrandProfileBase(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    website: str = Field(max_length=500)
    contact_email: str = Field(max_length=254)
    logo_url: str | None = Field(default=None, max_length=1000)


class BrandProfile(BrandProfileBase, table=True):
    __tablename__ = "brand_profiles"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_brand_name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    domain: str = Field(max_length=253)
    created_by: str = Field(default="", max_length=32)
    created_at: dt.datetime = utc_field(default_now=True)
    updated_at: dt.datetime = utc_field(default_now=True)
    # the same brand profile in the workspace's TikTok One account, once known
    tto_brand_profile_id: str | None = Field(default=None, max_length=64)


# --- TikTok Ads Manager accounts ----------------------------------------------------------------


class AdsAccountBase(SQLModel):
    advertiser_id: str = Field(min_length=1, max_length=32)
    display_name: str = Field(min_length=1, max_length=100)


class AdsAccount(AdsAccountBase, table=True):
    __tablename__ = "ads_accounts"
    __table_args__ = (UniqueConstraint("workspace_id", "advertiser_id", name="uq_ads_account_advertiser"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    created_by: str = Field(default="", max_length=32)
    created_at: dt.datetime = utc_field(default_now=True)


# --- anchors --------------------------------------------------------------------------------


class AnchorBase(SQLModel):
    kind: AnchorKind = enum_field(AnchorKind)
    name: str = Field(min_length=1, max_length=100)
    country: str = Field(min_length=2, max_length=2)
    url: str | None = Field(default=None, max_length=1000)
    ios_url: str | None = Field(default=None, max_length=1000)
    android_url: str | None = Field(default=None, max_length=1000)
    product_id: str | None = Field(default=None, max_length=64)


class Anchor(AnchorBase, table=True):
    __tablename__ = "anchors"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_anchor_name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    created_by: str = Field(default="", max_length=32)
    created_at: dt.datetime = utc_field(default_now=True)
    tto_anchor_id: str | None = Field(default=None, max_length=64)  # the same anchor in TikTok One


# --- lite projects ----------------------------------------------------------------------------


class LiteProjectBase(SQLModel):
    """Fields editable after creation (TikTok One's "Edit details")."""

    link_name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=3000)
    deliverable: str = Field(default="", max_length=1000)
    requirements: str = Field(default="", max_length=2000)
    deadline: dt.date | None = None
    contact: str = Field(default="", max_length=254)
    channel_id: str = Field(max_length=32)


class LiteProject(LiteProjectBase, table=True):
    __tablename__ = "lite_projects"
    __table_args__ = (
        Index("ix_lite_projects_workspace_created", "workspace_id", "created_at"),
        # people find projects by link name, any case: two that differ only in case can't both exist
        Index("uq_lite_projects_link_name", "workspace_id", text("lower(link_name)"), unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    brand_id: int = Field(foreign_key="brand_profiles.id")
    authorization_days: int
    anchor_id: int = Field(foreign_key="anchors.id")
    invite_token: str = Field(max_length=64, unique=True)
    active: bool = True
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = utc_field(default_now=True)
    updated_at: dt.datetime = utc_field(default_now=True)
    # the project card in its channel, once posted (kept in place with chat.update)
    card_channel_id: str | None = Field(default=None, max_length=32)
    card_ts: str | None = Field(default=None, max_length=32)
    # archived: link off and out of lists, kept for history and export until restored
    archived_at: dt.datetime | None = utc_field(nullable=True)
    # the creator pages' and invite message's language ("pt-BR"); empty: the creator's browser decides
    creator_language: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})
    # connected to TikTok One: the account the campaign lives in (set at creation; None: standalone),
    # the BRAND_LINK campaign and its invite link once made, when the first create call was sent (a
    # later try looks for the campaign before making it again), and why syncing was given up
    tto_account_id: str | None = Field(default=None, max_length=64)
    tto_campaign_id: str | None = Field(default=None, max_length=64, index=True)
    tto_invite_link: str | None = Field(default=None, max_length=1000)
    tto_create_sent_at: dt.datetime | None = utc_field(nullable=True)
    tto_sync_error: str | None = Field(default=None, max_length=500)


class ProjectManager(SQLModel, table=True):
    """People who may manage a project besides its owner and the workspace admins."""

    __tablename__ = "project_managers"

    project_id: int = Field(foreign_key="lite_projects.id", primary_key=True, ondelete="CASCADE")
    user_id: str = Field(max_length=32, primary_key=True)


class ProjectAdsAccount(SQLModel, table=True):
    __tablename__ = "project_ads_accounts"

    project_id: int = Field(foreign_key="lite_projects.id", primary_key=True, ondelete="CASCADE")
    ads_account_id: int = Field(foreign_key="ads_accounts.id", primary_key=True)


# --- videos and linking requests ----------------------------------------------------------------


class LinkingRequest(SQLModel, table=True):
    __tablename__ = "linking_requests"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    project_id: int = Field(foreign_key="lite_projects.id", index=True)
    token: str = Field(max_length=64, unique=True)
    creator_handle: str = Field(max_length=32)
    status: LinkingRequestStatus = enum_field(LinkingRequestStatus, LinkingRequestStatus.PENDING)
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = utc_field(default_now=True)
    expires_at: dt.datetime = utc_field()
    answered_at: dt.datetime | None = utc_field(nullable=True)


class Video(SQLModel, table=True):
    __tablename__ = "videos"
    __table_args__ = (
        UniqueConstraint("project_id", "video_key", name="uq_video_per_project"),
        Index("ix_videos_project_status", "project_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    project_id: int = Field(foreign_key="lite_projects.id")
    # the TikTok video id when known, else the short link as given (resolved later)
    video_key: str = Field(max_length=300)
    tiktok_video_id: str | None = Field(default=None, max_length=32)
    url: str = Field(max_length=300)
    needs_resolution: bool = False
    creator_handle: str = Field(max_length=32)
    creator_email: str | None = Field(default=None, max_length=254)
    spark_code: str | None = Field(default=None, max_length=200)
    source: VideoSource = enum_field(VideoSource)
    status: VideoStatus = enum_field(VideoStatus)
    review_state: ReviewState = enum_field(ReviewState, ReviewState.UNREVIEWED)
    linking_request_id: int | None = Field(default=None, foreign_key="linking_requests.id")
    delivered_at: dt.datetime = utc_field(default_now=True)
    authorized_at: dt.datetime | None = utc_field(nullable=True)
    # when the channel was told this authorization ends soon, and that it ended (each once)
    ending_reminded_at: dt.datetime | None = utc_field(nullable=True)
    ended_reminded_at: dt.datetime | None = utc_field(nullable=True)
    # what TikTok's oEmbed said: the account the video is on, its caption, when it was last looked
    # up, and since when it is private or removed (the thumbnail is fetched fresh, see OEmbedCache)
    owner_check: OwnerCheck = enum_field(OwnerCheck, OwnerCheck.UNVERIFIED)
    owner_handle: str | None = Field(default=None, max_length=32)
    title: str | None = Field(default=None, max_length=500)
    checked_at: dt.datetime | None = utc_field(nullable=True)
    unavailable_since: dt.datetime | None = utc_field(nullable=True)
    # TikTok One: the linking request's state (IN_REVIEW, APPROVE, REJECTED, REVOKE) and the spark
    # authorization's (WAITING, ACCEPTED, REJECTED), as TikTok One last said
    tto_link_status: str | None = Field(default=None, max_length=16)
    tto_auth_status: str | None = Field(default=None, max_length=16)
    tto_auth_ends_at: dt.datetime | None = utc_field(nullable=True)
    # what TikTok API for Business said about the spark code: its check, the real end of the
    # authorization (replacing the estimate), TikTok's ad_auth_status, and the problem in words
    spark_check: SparkCheck = enum_field(SparkCheck, SparkCheck.UNCHECKED)
    spark_checked_at: dt.datetime | None = utc_field(nullable=True)
    spark_ends_at: dt.datetime | None = utc_field(nullable=True)
    spark_auth_status: str | None = Field(default=None, max_length=32)
    spark_problem: str | None = Field(default=None, max_length=300)
    # the team asked the creator for a new code (cleared when one with a new end date arrives)
    new_code_requested_at: dt.datetime | None = utc_field(nullable=True)
    # the reminder on the authorization's last day (the week-before one is ending_reminded_at)
    last_day_reminded_at: dt.datetime | None = utc_field(nullable=True)


class VideoAdsAccount(SQLModel, table=True):
    """A video's spark code applied to one of the project's Ads Manager accounts."""

    __tablename__ = "video_ads_accounts"

    video_id: int = Field(foreign_key="videos.id", primary_key=True, ondelete="CASCADE")
    ads_account_id: int = Field(foreign_key="ads_accounts.id", primary_key=True, ondelete="CASCADE")
    state: AdsPlacement = enum_field(AdsPlacement, AdsPlacement.PENDING)
    reason: str | None = Field(default=None, max_length=300)
    requested_by: str = Field(default="", max_length=32)
    updated_at: dt.datetime = utc_field(default_now=True)
    # when the post showed among the account's authorized videos (authorize takes effect later)
    seen_at: dt.datetime | None = utc_field(nullable=True)


# --- outbox messages ------------------------------------------------------------------------------


class Subscription(SQLModel, table=True):
    __tablename__ = "subscriptions"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    channel_id: str = Field(max_length=32)
    project_id: int | None = Field(default=None, foreign_key="lite_projects.id")
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    creator_handle: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = utc_field(default_now=True)


class OutboxMessage(SQLModel, table=True):
    """An outbox message: one notice to one channel, written in the same transaction as the change
    that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # a queued card refresh is found by its project's key, not by a LIKE that no index serves
        Index("ix_outbox_refresh", "refresh_key", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    dedup_key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=50)
    channel_id: str = Field(max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: OutboxStatus = enum_field(OutboxStatus, OutboxStatus.PENDING)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    slack_ts: str | None = Field(default=None, max_length=32)
    created_at: dt.datetime = utc_field(default_now=True)
    next_attempt_at: dt.datetime = utc_field(default_now=True)
    sent_at: dt.datetime | None = utc_field(nullable=True)
    # set when a send starts; a row found with it set and unsent may have reached Slack before a
    # crash, so the dispatcher looks for it in the channel (by its metadata) before sending again
    in_flight_since: dt.datetime | None = utc_field(nullable=True)
    # the event subscriptions filter on (delivered, paused…), and rows folded into one digest
    event: str | None = Field(default=None, max_length=30)
    digest_key: str | None = Field(default=None, max_length=100, index=True)
    # the same for every refresh of one thing (a project's card): queued refreshes merge on it
    refresh_key: str | None = Field(default=None, max_length=100)


class Job(SQLModel, table=True):
    """A call to an outside service, written in the same transaction as the change that needs it.

    `key` makes enqueueing idempotent; a worker claims a due row by taking its lease (owner and
    expiry), runs it, and records the outcome only while it still holds the lease.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_due", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=50)
    key: str = Field(max_length=200, unique=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspaces.id", index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: JobState = enum_field(JobState, JobState.PENDING)
    attempts: int = 0
    next_attempt_at: dt.datetime = utc_field(default_now=True)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires_at: dt.datetime | None = utc_field(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = utc_field(default_now=True)
    finished_at: dt.datetime | None = utc_field(nullable=True)


class OEmbedCache(SQLModel, table=True):
    """TikTok's last oEmbed answer per video id, kept until it expires (thumbnail URLs expire)."""

    __tablename__ = "oembed_cache"

    video_id: str = Field(max_length=32, primary_key=True)
    answer: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    fetched_at: dt.datetime = utc_field(default_now=True)
    expires_at: dt.datetime = utc_field()


class ChannelSettings(SQLModel, table=True):
    """Per-channel notification choices."""

    __tablename__ = "channel_settings"
    __table_args__ = (UniqueConstraint("workspace_id", "channel_id", name="uq_channel_settings"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    channel_id: str = Field(max_length=32)
    # events that are also broadcast to the channel, not only posted in the card's thread
    broadcast_events: list[str] = Field(sa_column=Column(JSON, nullable=False))
    updated_by: str = Field(default="", max_length=32)
    updated_at: dt.datetime = utc_field(default_now=True)


class UserSettings(SQLModel, table=True):
    __tablename__ = "user_settings"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", name="uq_user_settings"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    user_id: str = Field(max_length=32)
    # direct messages for what needs this person's action (reviews, expiring authorizations)
    action_dms: bool = True
    updated_at: dt.datetime = utc_field(default_now=True)


class HomeOpen(SQLModel, table=True):
    """When a person last opened the app's Home tab: it is republished after a change only while
    they may be looking at it (opening it publishes it afresh anyway)."""

    __tablename__ = "home_opens"

    workspace_id: int = Field(foreign_key="workspaces.id", primary_key=True)
    user_id: str = Field(max_length=32, primary_key=True)
    opened_at: dt.datetime = utc_field(default_now=True)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_target", "workspace_id", "target_type", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    # a Slack user id, or "creator:<handle>" for what creators do on the portal
    actor: str = Field(max_length=64)
    action: str = Field(max_length=50)
    target_type: str = Field(max_length=30)
    target_id: int
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: dt.datetime = utc_field(default_now=True)


# --- shared budgets and one-time marks (every replica sees the same rows) ---------------------


class RateLimitCounter(SQLModel, table=True):
    """One fixed-window counter per limited key (a client address, an invite link…)."""

    __tablename__ = "rate_limit_counters"

    key: str = Field(primary_key=True, max_length=200)
    hits: int = 0
    # Unix time the window ends; the next hit after it starts a new window
    expires_at: float = Field(index=True)


class SeenSlackRequest(SQLModel, table=True):
    """A Slack signature or event id already handled: a replay or a retry of it is not run again."""

    __tablename__ = "seen_slack_requests"

    key: str = Field(primary_key=True, max_length=120)
    # Unix time after which Slack would refuse the request anyway (its timestamp is too old)
    expires_at: float = Field(index=True)


# slack_sdk's OAuth stores keep installations and OAuth states in tables of their own making
import storage.slack_stores  # noqa: E402, F401

# --- performance --------------------------------------------------------------------------------


class VideoMetric(SQLModel, table=True):
    """One figure of one video for one day, from one source (`tiktok_one` or `ads`).

    The key makes a re-collection overwrite rather than duplicate; a day TikTok didn't report has no
    row (a gap, never a zero). `as_of` is when TikTok last gave this figure; `final` once TikTok
    stops revising it (organic numbers freeze about 21 days after posting).
    """

    __tablename__ = "video_metrics"
    # on SQLite the key is the table itself (no second copy of it in a rowid index): half the size
    __table_args__ = {"sqlite_with_rowid": False}

    video_id: int = Field(foreign_key="videos.id", primary_key=True, ondelete="CASCADE")
    source: str = Field(primary_key=True, max_length=16)
    metric: str = Field(primary_key=True, max_length=32)
    day: dt.date = Field(primary_key=True)
    value: float
    as_of: dt.datetime = utc_field()
    final: bool = False


M = TypeVar("M", bound=SQLModel)


def unit_row(model: type[M], values: Mapping[Any, Any]) -> M:
    """A `model` row from `values` and the model's defaults, built the way the ORM builds a row it
    loads: for write units (see `storage.writer`), which write and read such rows with Core
    statements and never add them to a session. The model's own constructor costs 20 times more
    (60 µs for a `Video`), and a delivery builds three."""
    row = manager_of_class(model).new_instance()
    fields = row.__dict__
    for name, default, factory in _defaults(model):
        fields[name] = values[name] if name in values else factory() if factory else default
    return row


def column_values(row: SQLModel, names: Sequence[str]) -> dict[str, Any]:
    """The row's values of the columns `names`, for a write unit's INSERT: read from the row's own
    dict (a `unit_row` has every field there), through the ORM's attribute only where it is not;
    the attribute costs several times more, and a delivery reads some fifty."""
    fields = row.__dict__
    return {name: fields[name] if name in fields else getattr(row, name) for name in names}


@functools.cache
def _defaults(model: type[SQLModel]) -> list[tuple[str, Any, Callable[..., Any] | None]]:
    """Each field of `model` with its default or default factory (fields without either are given)."""
    found = []
    for name, info in model.model_fields.items():
        factory = info.default_factory
        default = None if info.default is PydanticUndefined else info.default
        found.append((name, default, factory))
    return found
