"""Lite projects run in TikTok One: the durable jobs that keep a project and its campaign in step.

A workspace connected to TikTok One (a `tiktok_one` connection) gets each new project made as a
`BRAND_LINK` campaign in the connection's account (its first listed one). Every call is a job
written in the transaction of the change that needs it:
- `tto_campaign_create`: makes the campaign and records its id and TikTok One's invite link. The
  moment the first create call goes out is recorded first; a later try (after a time-out, a crash,
  a restart) looks for the campaign by name among the account's BRAND_LINK campaigns before making
  it again, so one project never becomes two campaigns.
- `tto_campaign_update`: *Edit details* (name, description, Ads Manager accounts; brand, period and
  anchor are frozen by TikTok One).
A sync TikTok keeps refusing is parked with TikTok's reason: `/liteproject status` lists it, and the
project card says so.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs.registry import GiveUp, JobContext, JobRun, RetryLater, job_kind
from bot.pacing import ChannelPacer
from bot.services import connections, spark_checks, video_lookups
from bot.services.audit import record_event
from bot.services.errors import Conflict
from bot.services.job_rows import payload_id, queue_about, queue_about_in_unit, video_and_project
from bot.services.notices import NoticeKind, queue_card_refresh, queue_notice
from bot.settings import Settings
from bot.tiktok import tiktok_one
from bot.tiktok.business_api import BusinessApiClient, BusinessApiUnavailable, TikTokApiError, parse_time
from bot.tiktok.spark_codes import SparkCodeError, clean_spark_code
from bot.tiktok.urls import TikTokUrlError, canonical_url, clean_video_id
from storage import connections as connection_queries
from storage import jobs as job_queries
from storage import outbox as outbox_queries
from storage import projects as project_queries
from storage import videos as video_queries
from storage.models import (
    Anchor,
    BrandProfile,
    Job,
    LiteProject,
    TikTokConnectionKind,
    TikTokConnectionStatus,
    Video,
    VideoSource,
    VideoStatus,
    utcnow,
)

log = logging.getLogger(__name__)

CREATE = "tto_campaign_create"
UPDATE = "tto_campaign_update"
KIND = TikTokConnectionKind.TIKTOK_ONE
CALL_TIMEOUT_SECONDS = 10.0  # one TikTok One call; a job's lease outlives a few of them
THROTTLED_PAUSE_SECONDS = 60.0

T = TypeVar("T")


# --- in the transaction of the change ---------------------------------------------------------------


async def tiktok_one_account(session: AsyncSession, *, workspace_id: int) -> str | None:
    """The TikTok One account new projects are made in, or None (standalone workspace)."""
    connection = await connection_queries.get_connection(session, workspace_id=workspace_id, kind=KIND)
    if connection is None:
        return None
    return account_for_new_projects(connection.status, connection.account_ids)


def account_for_new_projects(status: TikTokConnectionStatus | None, account_ids: list[str]) -> str | None:
    """`tiktok_one_account` from the connection's status (None: no connection) and accounts, as
    the create's write unit reads them."""
    if status is not TikTokConnectionStatus.CONNECTED:
        return None
    return account_ids[0] if account_ids else None


def on_project_created_in_unit(connection: Connection, *, project: LiteProject) -> bool:
    """A connected workspace's new project (`tto_account_id` set from `tiktok_one_account`) is made
    in TikTok One too: queued in the create's write unit (see `storage.writer`); True if so."""
    if project.tto_account_id is None:
        return False
    return queue_about_in_unit(connection, project, kind=CREATE, key=f"tto-create:{project.id}")


async def on_project_edited(session: AsyncSession, *, project: LiteProject, change: str) -> bool:
    """Send an edit of a TikTok One project there (the job reads the project as it is then)."""
    if project.tto_account_id is None:
        return False
    return await queue_about(session, project, kind=UPDATE, key=f"tto-update:{project.id}:{change}")


# --- calling TikTok One ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TikTokOne:
    """A workspace's TikTok One, for one job: its client, and the connection its calls count against."""

    context: JobContext
    api: tiktok_one.TikTokOneApi
    connection_id: int

    async def call(self, request: Awaitable[T]) -> T:
        """One call, its failures turned into the runner's words: retry later, or give up with TikTok's reason."""
        try:
            await _account_pacer.take(f"tiktok-one:{self.connection_id}")
            return await request
        except BusinessApiUnavailable as exc:
            raise RetryLater(f"TikTok One: {exc}", retry_after=exc.retry_after) from None
        except TikTokApiError as exc:
            reason = f"TikTok One answered {exc.code}: {exc.message}"[:400]
            if exc.auth_failed:
                async with self.context.sessions.begin() as session:
                    await connections.mark_needs_reconnecting_by_id(
                        session, connection_id=self.connection_id, reason=reason
                    )
                self.context.on_queued()
                raise GiveUp(reason) from None
            if exc.throttled:
                raise RetryLater(reason, retry_after=THROTTLED_PAUSE_SECONDS) from None
            if exc.retryable:
                raise RetryLater(reason) from None
            raise GiveUp(reason) from None


async def api_for(context: JobContext, *, workspace_id: int) -> TikTokOne:
    """The workspace's TikTok One; GiveUp when it isn't connected."""
    async with context.sessions.begin() as session:
        credential = await connections.token_for(
            session, settings=context.settings, workspace_id=workspace_id, kind=KIND
        )
    if credential is None:
        raise GiveUp("TikTok One isn't connected (or needs reconnecting): connect it again from App Home")
    client = BusinessApiClient(
        context.client(),
        credential.access_token,
        context.settings.tiktok_business_api_url,
        timeout=CALL_TIMEOUT_SECONDS,
    )
    return TikTokOne(context, tiktok_one.TikTokOneApi(client), credential.connection_id)


# TikTok's QPS limits are per account: every TikTok One call of a connection takes a token from its
# own bucket (per process), so one busy workspace can't spend another's allowance; a throttled
# answer retries the job after TikTok's pause (the runner also slows that job kind down)
ACCOUNT_RATE = 5.0
ACCOUNT_BURST = 5
_account_pacer = ChannelPacer(ACCOUNT_RATE, ACCOUNT_BURST)


# --- what the jobs share ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncedProject:
    """A job's project, in TikTok One: its account and campaign there, and the workspace's TikTok One."""

    project: LiteProject
    account: str
    campaign_id: str
    tto: TikTokOne


async def _project_campaign(run: JobRun, *, archived_too: bool = True) -> SyncedProject | None:
    """The project the job names, once TikTok One has made its campaign (RetryLater until then: the
    create job comes first); None when there is nothing to do (the project is gone, not in TikTok
    One, or archived and not `archived_too`)."""
    project_id = payload_id(run, "project_id")
    if project_id is None:
        return None
    async with run.context.sessions() as session:
        project = await session.get(LiteProject, project_id)
    if project is None or project.tto_account_id is None:
        return None
    if project.archived_at is not None and not archived_too:
        return None
    campaign_id = _made(project)
    return SyncedProject(
        project,
        project.tto_account_id,
        campaign_id,
        await api_for(run.context, workspace_id=project.workspace_id),
    )


def _made(project: LiteProject) -> str:
    """The project's campaign id; RetryLater until TikTok One has made it."""
    if project.tto_campaign_id is None:
        raise RetryLater("waiting for the project to be made in TikTok One")
    return project.tto_campaign_id


@dataclass(frozen=True)
class SyncedVideo:
    """A job's video in a TikTok One project: its TikTok id, the project's account, and the workspace's TikTok One."""

    video: Video
    project: LiteProject
    account: str
    tiktok_id: str
    tto: TikTokOne


async def _project_video(
    run: JobRun, *, campaign_made: bool = False, uncoded: bool = False
) -> SyncedVideo | None:
    """The video the job names, in a TikTok One project and with its TikTok id; None when there is
    nothing to do (or, with `uncoded`, when it has its spark code already). `campaign_made`:
    RetryLater until TikTok One has made the project's campaign."""
    video_id = payload_id(run, "video_id")
    if video_id is None:
        return None
    async with run.context.sessions() as session:
        found = await video_and_project(session, video_id=video_id)
    if found is None:
        return None
    video, project = found
    if project.tto_account_id is None or not video.tiktok_video_id:
        return None
    if uncoded and video.spark_code is not None:
        return None
    if campaign_made:
        _made(project)
    tto = await api_for(run.context, workspace_id=project.workspace_id)
    return SyncedVideo(video, project, project.tto_account_id, video.tiktok_video_id, tto)


Record = Callable[[AsyncSession, LiteProject], Awaitable[object]]
RecordOnVideo = Callable[[AsyncSession, Video, LiteProject], Awaitable[object]]


async def _record(run: JobRun, project: LiteProject, record: Record) -> None:
    """Record what TikTok One answered on the project (read again: unless it is gone) as the job finishes."""
    async with run.finish() as session:
        current = await session.get(LiteProject, project.id)
        if current is not None:
            await record(session, current)
    run.context.on_queued()


async def _record_on_video(run: JobRun, video: Video, record: RecordOnVideo) -> None:
    """Record what TikTok One answered on the video (read again: unless it is gone) as the job finishes."""
    assert video.id is not None
    async with run.finish() as session:
        found = await video_and_project(session, video_id=video.id)
        if found is not None:
            await record(session, *found)
    run.context.on_queued()


async def _new_invite_link(
    session: AsyncSession, *, project: LiteProject, campaign: tiktok_one.Campaign, reason: str
) -> None:
    """TikTok One gave the campaign another invite link: the card shows it."""
    if campaign.invite_link and campaign.invite_link != project.tto_invite_link:
        project.tto_invite_link = campaign.invite_link[:1000]
        await queue_card_refresh(session, project=project, reason=reason)


# --- tto_campaign_create ----------------------------------------------------------------------------


async def _parked(session: AsyncSession, job: Job, context: JobContext) -> None:
    """TikTok One keeps refusing: the card says why (and `/liteproject status` lists the job)."""
    project_id = job.payload.get("project_id")
    project = await session.get(LiteProject, project_id) if isinstance(project_id, int) else None
    if project is None:
        return
    project.tto_sync_error = (job.last_error or "TikTok One didn't answer")[:500]
    await queue_card_refresh(session, project=project, reason=f"tto-parked-{job.id}-{job.attempts}")
    context.on_queued()


@job_kind(CREATE, max_attempts=8, rate=2.0, burst=2, on_parked=_parked)
async def run_create(run: JobRun) -> None:
    project_id = payload_id(run, "project_id")
    if project_id is None:
        return
    async with run.context.sessions.begin() as session:
        project = await session.get(LiteProject, project_id)
        if project is None or project.tto_campaign_id is not None or project.tto_account_id is None:
            return
        brand = await session.get(BrandProfile, project.brand_id)
        anchor = await session.get(Anchor, project.anchor_id)
        advertisers = await project_queries.project_advertiser_ids(session, project_id=project_id)
        sent_before = project.tto_create_sent_at is not None
        if not sent_before:
            project.tto_create_sent_at = utcnow()  # committed before the call goes out
        request = tiktok_one.CampaignCreateRequest(
            tto_tcm_account_id=project.tto_account_id,
            campaign_name=project.link_name,
            brand_name=brand.name if brand is not None else None,
            campaign_description=project.description or None,
            advertiser_ids=advertisers,
            default_spark_ads_requested_authorization_days=project.authorization_days,
            # the assets' own TikTok One ids, once mirrored or made there
            brand_profile_id=brand.tto_brand_profile_id if brand is not None else None,
            anchor_id=anchor.tto_anchor_id if anchor is not None else None,
        )
        if request.brand_profile_id:
            request = request.model_copy(update={"brand_name": None})
    tto = await api_for(run.context, workspace_id=project.workspace_id)
    if request.brand_name:
        # TikTok One's own brand profile of that name, when the account has one
        profiles = await tto.call(tto.api.brand_profiles(account_id=request.tto_tcm_account_id))
        wanted = request.brand_name.casefold()
        profile = next((p for p in profiles.brand_profiles if p.brand_name.casefold() == wanted), None)
        if profile is not None:
            request = request.model_copy(
                update={"brand_profile_id": profile.brand_profile_id, "brand_name": None}
            )
    campaign = None
    if sent_before:
        # an earlier try may have made it and not heard the answer: never make it twice
        existing = await tto.call(tto.api.all_campaigns(account_id=request.tto_tcm_account_id))
        campaign = next((c for c in existing if c.campaign_name == request.campaign_name), None)
    if campaign is None:
        campaign = await tto.call(tto.api.create_campaign(request))
    await _record(run, project, partial(record_campaign, campaign=campaign))


async def record_campaign(
    session: AsyncSession, project: LiteProject, *, campaign: tiktok_one.Campaign
) -> None:
    """The project is that campaign in TikTok One (made or adopted): its id and invite link, the card redrawn."""
    project.tto_campaign_id = campaign.campaign_id
    project.tto_invite_link = (campaign.invite_link or "")[:1000] or None
    project.tto_sync_error = None
    event = record_event(
        session,
        project,
        actor="tiktok_one",
        action="project.tiktok_one_linked",
        after={"campaign_id": campaign.campaign_id, "account": project.tto_account_id},
    )
    await session.flush()
    await queue_card_refresh(session, project=project, reason=f"audit-{event.id}")
    await queue_poll(session, project=project, after=0)


# --- tto_campaign_update ----------------------------------------------------------------------------


@job_kind(UPDATE, max_attempts=8, rate=2.0, burst=2)
async def run_update(run: JobRun) -> None:
    found = await _project_campaign(run)
    if found is None:
        return
    project = found.project
    assert project.id is not None
    async with run.context.sessions() as session:
        advertisers = await project_queries.project_advertiser_ids(session, project_id=project.id)
    request = tiktok_one.CampaignUpdateRequest(
        tto_tcm_account_id=found.account,
        campaign_id=found.campaign_id,
        campaign_name=project.link_name,
        campaign_description=project.description,
        advertiser_ids=advertisers,
    )
    campaign = await found.tto.call(found.tto.api.update_campaign(request))
    await _record(
        run,
        project,
        lambda session, project: _new_invite_link(
            session, project=project, campaign=campaign, reason=f"tto-update-{run.id}"
        ),
    )


# --- linking requests: tto_link ---------------------------------------------------------------------

LINK = "tto_link"
POLL = "tto_campaign_poll"
APPLY = "tto_authorization_apply"
AUTH_POLL = "tto_authorization_poll"


async def on_videos_added(session: AsyncSession, *, project: LiteProject, videos: list[Video]) -> int:
    """*Add videos* in a TikTok One project sends real linking requests there (one job each)."""
    if project.tto_account_id is None:
        return 0
    queued = 0
    for video in videos:
        if video.id is None or video.tiktok_video_id is None:
            continue  # a short link gets its id from the lookup; TikTok One needs the id
        video.tto_link_status = "SENDING"
        queued += await queue_about(session, video, kind=LINK, key=f"tto-link:{video.id}")
    return queued


@job_kind(LINK, max_attempts=8, rate=2.0, burst=4)
async def run_link(run: JobRun) -> None:
    found = await _project_video(run, campaign_made=True)
    if found is None:
        return
    request = tiktok_one.LinkRequest(
        tto_tcm_account_id=found.account, campaign_id=_made(found.project), video_id=found.tiktok_id
    )
    answer = await found.tto.call(found.tto.api.link(request))

    async def record(session: AsyncSession, video: Video, project: LiteProject) -> None:
        await apply_link_status(session, project=project, video=video, status=answer.status)
        await queue_poll(session, project=project, after=run.context.settings.tiktok_one_poll_seconds)

    await _record_on_video(run, found.video, record)


async def apply_link_status(
    session: AsyncSession, *, project: LiteProject, video: Video, status: tiktok_one.LinkStatus | None
) -> bool:
    """Record what TikTok One says of a linking request; each change is told once."""
    if status is None or video.tto_link_status == status.value:
        return False
    assert video.id is not None
    video.tto_link_status = status.value
    if status is tiktok_one.LinkStatus.APPROVE and video.status is VideoStatus.PENDING_AUTHORIZATION:
        # linked in TikTok One: the video is delivered; its spark code is asked for next
        video.status = VideoStatus.DELIVERED
        await video_lookups.queue_delivery_notices(session, project=project, video=video)
        await queue_authorization(session, project=project, video=video)
    elif status in (tiktok_one.LinkStatus.REJECTED, tiktok_one.LinkStatus.REVOKE):
        video.status = VideoStatus.DECLINED
        await _tell_answer(
            session, project, video, NoticeKind.VIDEO_DECLINED, f"tto-link-{status.value.lower()}"
        )
    record_event(
        session, video, actor="tiktok_one", action="video.tiktok_one_link", after={"status": status.value}
    )
    return True


async def _tell_answer(
    session: AsyncSession, project: LiteProject, video: Video, kind: NoticeKind, event: str
) -> None:
    """What TikTok One answered about a linked video (`event`, once per video): told like a linking
    request's answer, and the card redrawn."""
    assert video.id is not None
    # what a linking request's answer carries (bot/notify/linking.py reads it), for this one video
    answer: dict[str, Any] = {
        "creator_handle": video.creator_handle,
        "linking_request_id": video.linking_request_id,
        "video_ids": [video.id],
    }
    await queue_notice(session, project=project, kind=kind, dedup_key=f"{event}:{video.id}", **answer)
    await queue_card_refresh(session, project=project, reason=f"{event}-{video.id}")


# --- polling the campaign: tto_campaign_poll ------------------------------------------------------


async def queue_poll(
    session: AsyncSession, *, project: LiteProject, after: float, current_job: int | None = None
) -> bool:
    """The project's next look at TikTok One (deliveries and linking requests); one pending at a time."""
    prefix = f"tto-poll:{project.id}:"
    if await job_queries.pending_job_with_prefix(session, prefix=prefix, other_than=current_job):
        return False
    return await queue_about(session, project, kind=POLL, key=f"{prefix}{secrets.token_hex(8)}", run_in=after)


@job_kind(POLL, max_attempts=6, rate=2.0, burst=4)
async def run_poll(run: JobRun) -> None:
    found = await _project_campaign(run, archived_too=False)  # an archived project is no longer followed
    if found is None:
        return
    api, account, campaign_id = found.tto.api, found.account, found.campaign_id
    listed = await found.tto.call(api.campaigns(account_id=account, campaign_ids=[campaign_id]))
    links = await found.tto.call(api.link_status(account_id=account, campaign_id=campaign_id))
    campaign = next((c for c in listed.campaigns if c.campaign_id == campaign_id), None)
    settings = run.context.settings

    async def record(session: AsyncSession, project: LiteProject) -> None:
        assert project.id is not None
        for info in links.video_infos:
            video = await video_queries.get_video_by_key(
                session, project_id=project.id, video_key=info.video_id
            )
            if video is not None:
                await apply_link_status(session, project=project, video=video, status=info.status)
        if campaign is not None:
            await _new_invite_link(session, project=project, campaign=campaign, reason=f"tto-poll-{run.id}")
            for video_id in campaign.video_ids:
                await record_delivered(session, settings=settings, project=project, video_id=video_id)
        await queue_poll(session, project=project, after=settings.tiktok_one_poll_seconds, current_job=run.id)

    await _record(run, found.project, record)


async def record_delivered(
    session: AsyncSession, *, settings: Settings, project: LiteProject, video_id: str
) -> Video | None:
    """A video TikTok One says is in the campaign: stored and alerted once, however often it is told."""
    assert project.id is not None
    try:
        tiktok_id = clean_video_id(video_id)
    except TikTokUrlError:
        log.warning("TikTok One named a video id that isn't one (%r)", video_id[:40])
        return None
    existing = await video_queries.get_video_by_key(session, project_id=project.id, video_key=tiktok_id)
    if existing is not None:
        return None
    video = Video(
        workspace_id=project.workspace_id,
        project_id=project.id,
        video_key=tiktok_id,
        tiktok_video_id=tiktok_id,
        url=canonical_url("_", tiktok_id),  # the handle in a URL proves nothing anyway
        creator_handle="",  # TikTok One doesn't name the creator here; the lookup finds the owner
        source=VideoSource.INVITE_LINK,
        status=VideoStatus.DELIVERED,
        tto_link_status=tiktok_one.LinkStatus.APPROVE.value,
    )
    try:
        async with session.begin_nested():
            session.add(video)
            await session.flush()
    except IntegrityError:
        return None  # the webhook and the poll (or two replicas) told it at once: the other stored it
    record_event(
        session,
        video,
        actor="tiktok_one",
        action="video.delivered",
        after={"project_id": project.id, "url": video.url, "source": "tiktok_one"},
    )
    if settings.tiktok_oembed_url:
        await video_lookups.queue_lookup(session, video=video, alert=True)
    else:
        await video_lookups.queue_delivery_notices(session, project=project, video=video)
    await queue_authorization(session, project=project, video=video)
    return video


# --- the TCM_VIDEOS webhook ------------------------------------------------------------------------

WEBHOOK_PATH = "/tiktok/webhook"
SIGNATURE_HEADER = "TikTok-Signature"
SIGNATURE_TOLERANCE_SECONDS = 300


def webhook_signature_valid(secret: str, header: str | None, body: bytes, *, now: float) -> bool:
    """The one place the webhook's signature is checked.

    Scheme (the app's, to be confirmed against TikTok's webhook page): the header reads
    `t=<unix seconds>,s=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with TIKTOK_WEBHOOK_SECRET>`;
    a timestamp more than five minutes away is refused, so a captured call can't be replayed later.
    """
    if not header:
        return False
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        stamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - stamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("s", ""))


def sign_webhook(secret: str, body: bytes, *, now: float) -> str:
    """The header TikTok would send for `body` (what tests and a relay use)."""
    stamp = int(now)
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},s={digest}"


async def receive_webhook(
    session: AsyncSession, *, settings: Settings, event: tiktok_one.TcmVideosWebhook
) -> int:
    """Videos linked to a campaign: each stored and alerted once; returns how many were new."""
    new = 0
    for project in await project_queries.projects_of_campaign(
        session, campaign_id=event.campaign_id, account_id=event.tto_tcm_account_id
    ):
        for video_id in event.all_video_ids()[:200]:
            if await record_delivered(session, settings=settings, project=project, video_id=video_id):
                new += 1
    return new


# --- spark codes without pasting: tto_authorization_apply / tto_authorization_poll ----------------


async def queue_authorization(session: AsyncSession, *, project: LiteProject, video: Video) -> bool:
    """Ask the creator (through TikTok One) to authorize the video for the project's period."""
    if project.tto_account_id is None or video.id is None or video.spark_code is not None:
        return False
    return await queue_about(session, video, kind=APPLY, key=f"tto-apply:{video.id}")


async def _queue_authorization_poll(
    session: AsyncSession, *, settings: Settings, video: Video, job_id: int
) -> None:
    """Look at the authorization again later (one look per job that asked)."""
    await queue_about(
        session,
        video,
        kind=AUTH_POLL,
        key=f"tto-auth:{video.id}:{job_id}",
        run_in=settings.tiktok_one_poll_seconds,
    )


@job_kind(APPLY, max_attempts=8, rate=2.0, burst=4)
async def run_apply(run: JobRun) -> None:
    found = await _project_video(run)
    if found is None:
        return
    request = tiktok_one.ApplyRequest(
        video_id=found.tiktok_id,
        tcm_account_id=found.account,
        authorization_days=found.project.authorization_days,
    )
    answer = await found.tto.call(found.tto.api.apply_authorization(request))

    async def record(session: AsyncSession, video: Video, project: LiteProject) -> None:
        video.tto_auth_status = (answer.auth_status or tiktok_one.AuthStatus.WAITING).value
        await _queue_authorization_poll(session, settings=run.context.settings, video=video, job_id=run.id)

    await _record_on_video(run, found.video, record)


@job_kind(AUTH_POLL, max_attempts=6, rate=2.0, burst=4)
async def run_authorization_poll(run: JobRun) -> None:
    """Read the authorization; WAITING looks again later, a code is recorded once."""
    found = await _project_video(run, uncoded=True)
    if found is None:
        return
    answer = await found.tto.call(
        found.tto.api.authorization_status(account_id=found.account, video_id=found.tiktok_id)
    )

    async def record(session: AsyncSession, video: Video, project: LiteProject) -> None:
        await record_authorization(
            session, settings=run.context.settings, project=project, video=video, answer=answer, job_id=run.id
        )

    await _record_on_video(run, found.video, record)


async def record_authorization(
    session: AsyncSession,
    *,
    settings: Settings,
    project: LiteProject,
    video: Video,
    answer: tiktok_one.VideoAuthorization,
    job_id: int,
) -> None:
    assert video.id is not None
    status = answer.auth_status or tiktok_one.AuthStatus.WAITING
    video.tto_auth_status = status.value
    code = (answer.auth_code or "").strip()
    if code and video.spark_code is None:
        try:
            cleaned = clean_spark_code(code)
        except SparkCodeError:
            cleaned = None
            log.warning("TikTok One answered a spark code that isn't one (video %s)", video.id)
        if cleaned is not None:
            now = utcnow()
            video.spark_code = cleaned
            video.status = VideoStatus.AUTHORIZED
            video.authorized_at = parse_time(answer.auth_code_start_time) or now
            video.tto_auth_ends_at = parse_time(answer.auth_code_end_time)
            video.ending_reminded_at = None
            video.ended_reminded_at = None
            record_event(
                session,
                video,
                actor="tiktok_one",
                action="video.authorized",
                after={
                    "spark_code": True,
                    "ends_at": video.tto_auth_ends_at.isoformat() if video.tto_auth_ends_at else None,
                },
            )
            await _tell_answer(session, project, video, NoticeKind.VIDEO_AUTHORIZED, "tto-authorized")
            # a code TikTok One hands over is checked like a pasted one, in this same transaction
            await spark_checks.queue_check(
                session, video=video, server_token=settings.business_token_from_settings
            )
            return
    if status is tiktok_one.AuthStatus.WAITING:
        await _queue_authorization_poll(session, settings=settings, video=video, job_id=job_id)


# --- adopting an existing TikTok One lite project ----------------------------------------------------

CHOICES = "tto_adopt_choices"
ADOPT = "tto_campaign_adopt"
MAX_CHOICES = 100  # a static select's options


async def request_adoption(session: AsyncSession, *, project: LiteProject, user_id: str) -> bool:
    """Queue the listing of the account's lite projects; the person gets them as a DM to pick from."""
    _refuse_adopted(project)
    account = await tiktok_one_account(session, workspace_id=project.workspace_id)
    if account is None:
        raise Conflict(
            "This workspace isn't connected to TikTok One: press *Connect TikTok One* in liteproject's Home tab first."
        )
    return await queue_about(
        session,
        project,
        kind=CHOICES,
        key=f"tto-choices:{project.id}:{user_id}:{secrets.token_hex(6)}",
        user_id=user_id,
        account=account,
    )


def _refuse_adopted(project: LiteProject) -> None:
    if project.tto_campaign_id is not None or project.tto_account_id is not None:
        raise Conflict(f"“{project.link_name}” is already a TikTok One lite project.")


@job_kind(CHOICES, max_attempts=4, rate=2.0, burst=2)
async def run_choices(run: JobRun) -> None:
    project_id, user_id, account = (run.payload.get(k) for k in ("project_id", "user_id", "account"))
    if not isinstance(project_id, int) or not isinstance(user_id, str) or not isinstance(account, str):
        return
    async with run.context.sessions() as session:
        project = await session.get(LiteProject, project_id)
        if project is None:
            return
        workspace_id = project.workspace_id
        taken = await project_queries.campaign_ids_in_use(session, workspace_id=workspace_id)
    tto = await api_for(run.context, workspace_id=workspace_id)
    campaigns = await tto.call(tto.api.all_campaigns(account_id=account))
    choices = [
        {"id": c.campaign_id, "name": c.campaign_name[:70]}
        for c in campaigns
        if c.campaign_id not in taken
        and (c.campaign_type in (None, tiktok_one.CampaignType.BRAND_LINK.value))
    ][:MAX_CHOICES]

    async def record(session: AsyncSession, project: LiteProject) -> None:
        await outbox_queries.add_outbox_message(
            session,
            workspace_id=workspace_id,
            dedup_key=f"tto-choices:{run.id}",
            kind=NoticeKind.TIKTOK_ONE_CHOICES.value,
            channel_id=user_id,
            payload={"project_id": project_id, "account": account, "choices": choices},
        )

    await _record(run, project, record)


async def adopt_campaign(
    session: AsyncSession, *, project: LiteProject, account: str, campaign_id: str, actor: str
) -> bool:
    """The project becomes that TikTok One lite project (checked with TikTok One by a job)."""
    _refuse_adopted(project)
    if await tiktok_one_account(session, workspace_id=project.workspace_id) != account:
        raise Conflict("The workspace's TikTok One account changed meanwhile: ask for the list again.")
    project.tto_account_id = account
    project.tto_sync_error = None
    record_event(
        session,
        project,
        actor=actor,
        action="project.tiktok_one_adopted",
        after={"campaign_id": campaign_id, "account": account},
    )
    await queue_card_refresh(session, project=project, reason=f"tto-adopt-{campaign_id}")
    return await queue_about(
        session, project, kind=ADOPT, key=f"tto-adopt:{project.id}:{campaign_id}", campaign_id=campaign_id
    )


@job_kind(ADOPT, max_attempts=8, rate=2.0, burst=2, on_parked=_parked)
async def run_adopt(run: JobRun) -> None:
    project_id, campaign_id = payload_id(run, "project_id"), run.payload.get("campaign_id")
    if project_id is None or not isinstance(campaign_id, str):
        return
    async with run.context.sessions() as session:
        project = await session.get(LiteProject, project_id)
    if project is None or project.tto_account_id is None or project.tto_campaign_id is not None:
        return
    account = project.tto_account_id
    tto = await api_for(run.context, workspace_id=project.workspace_id)
    found = await tto.call(tto.api.campaigns(account_id=account, campaign_ids=[campaign_id]))
    campaign = next((c for c in found.campaigns if c.campaign_id == campaign_id), None)
    if campaign is None:
        raise GiveUp(f"TikTok One account {account} has no lite project {campaign_id}")
    await _record(run, project, partial(record_campaign, campaign=campaign))
