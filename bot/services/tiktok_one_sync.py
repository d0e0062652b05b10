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

import datetime as dt
import logging
from collections.abc import Awaitable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.jobs import enqueue
from bot.jobs.registry import GiveUp, JobContext, JobRun, RetryLater, job_kind
from bot.services import connections
from bot.services.notices import queue_card_refresh
from bot.tiktok import tiktok_one
from bot.tiktok.business_api import BusinessApiClient, BusinessApiUnavailable, TikTokApiError
from storage import connections as connection_queries
from storage import crud
from storage.models import (
    AdsAccount,
    BrandProfile,
    Job,
    LiteProject,
    ProjectAdsAccount,
    TikTokConnectionKind,
    TikTokConnectionStatus,
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
    if connection is None or connection.status is not TikTokConnectionStatus.CONNECTED:
        return None
    return connection.account_ids[0] if connection.account_ids else None


async def on_project_created(session: AsyncSession, *, project: LiteProject) -> bool:
    """A connected workspace's new project is made in TikTok One too (queued here); True if so."""
    account = await tiktok_one_account(session, workspace_id=project.workspace_id)
    if account is None:
        return False
    assert project.id is not None
    project.tto_account_id = account
    return await enqueue(
        session,
        kind=CREATE,
        key=f"tto-create:{project.id}",
        payload={"project_id": project.id},
        workspace_id=project.workspace_id,
    )


async def on_project_edited(session: AsyncSession, *, project: LiteProject, change: str) -> bool:
    """Send an edit of a TikTok One project there (the job reads the project as it is then)."""
    if project.tto_account_id is None:
        return False
    assert project.id is not None
    return await enqueue(
        session,
        kind=UPDATE,
        key=f"tto-update:{project.id}:{change}",
        payload={"project_id": project.id},
        workspace_id=project.workspace_id,
    )


# --- calling TikTok One ------------------------------------------------------------------------------


async def api_for(context: JobContext, *, workspace_id: int) -> tuple[tiktok_one.TikTokOneApi, int]:
    """The workspace's TikTok One client and connection id; GiveUp when it isn't connected."""
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
    return tiktok_one.TikTokOneApi(client), credential.connection_id


async def call(context: JobContext, connection_id: int, request: Awaitable[T]) -> T:
    """One call, its failures turned into the runner's words: retry later, or give up with TikTok's reason."""
    try:
        return await request
    except BusinessApiUnavailable as exc:
        raise RetryLater(f"TikTok One: {exc}", retry_after=exc.retry_after) from None
    except TikTokApiError as exc:
        reason = f"TikTok One answered {exc.code}: {exc.message}"[:400]
        if exc.auth_failed:
            async with context.sessions.begin() as session:
                await connections.mark_needs_reconnecting_by_id(
                    session, connection_id=connection_id, reason=reason
                )
            context.on_queued()
            raise GiveUp(reason) from None
        if exc.throttled:
            raise RetryLater(reason, retry_after=THROTTLED_PAUSE_SECONDS) from None
        if exc.retryable:
            raise RetryLater(reason) from None
        raise GiveUp(reason) from None


async def _advertiser_ids(session: AsyncSession, *, project_id: int) -> list[str]:
    query = (
        select(AdsAccount.advertiser_id)
        .join(ProjectAdsAccount, col(ProjectAdsAccount.ads_account_id) == col(AdsAccount.id))
        .where(col(ProjectAdsAccount.project_id) == project_id)
        .order_by(col(AdsAccount.advertiser_id))
    )
    return [str(advertiser) for advertiser in (await session.execute(query)).scalars().all()]


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
    context = run.context
    project_id = run.payload.get("project_id")
    if not isinstance(project_id, int):
        return
    async with context.sessions.begin() as session:
        project = await session.get(LiteProject, project_id)
        if project is None or project.tto_campaign_id is not None or project.tto_account_id is None:
            return
        brand = await session.get(BrandProfile, project.brand_id)
        advertisers = await _advertiser_ids(session, project_id=project_id)
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
        )
    api, connection_id = await api_for(context, workspace_id=project.workspace_id)
    campaign = None
    if sent_before:
        # an earlier try may have made it and not heard the answer: never make it twice
        existing = await call(
            context, connection_id, api.all_campaigns(account_id=request.tto_tcm_account_id)
        )
        campaign = next((c for c in existing if c.campaign_name == request.campaign_name), None)
    if campaign is None:
        campaign = await call(context, connection_id, api.create_campaign(request))
    async with run.finish() as session:
        await record_campaign(session, project_id=project_id, campaign=campaign, actor="tiktok")
    context.on_queued()


async def record_campaign(
    session: AsyncSession, *, project_id: int, campaign: tiktok_one.Campaign, actor: str
) -> LiteProject | None:
    """The project is that campaign in TikTok One: its id and invite link, the card redrawn."""
    project = await session.get(LiteProject, project_id)
    if project is None:
        return None
    assert project.id is not None
    project.tto_campaign_id = campaign.campaign_id
    project.tto_invite_link = (campaign.invite_link or "")[:1000] or None
    project.tto_sync_error = None
    event = crud.add_audit_event(
        session,
        workspace_id=project.workspace_id,
        actor=actor,
        action="project.tiktok_one_linked",
        target_type="project",
        target_id=project.id,
        after={"campaign_id": campaign.campaign_id, "account": project.tto_account_id},
    )
    await session.flush()
    await queue_card_refresh(session, project=project, reason=f"audit-{event.id}")
    return project


# --- tto_campaign_update ----------------------------------------------------------------------------


@job_kind(UPDATE, max_attempts=8, rate=2.0, burst=2)
async def run_update(run: JobRun) -> None:
    context = run.context
    project_id = run.payload.get("project_id")
    if not isinstance(project_id, int):
        return
    async with context.sessions() as session:
        project = await session.get(LiteProject, project_id)
        if project is None or project.tto_account_id is None:
            return
        if project.tto_campaign_id is None:
            raise RetryLater("waiting for the project to be made in TikTok One")
        request = tiktok_one.CampaignUpdateRequest(
            tto_tcm_account_id=project.tto_account_id,
            campaign_id=project.tto_campaign_id,
            campaign_name=project.link_name,
            campaign_description=project.description,
            advertiser_ids=await _advertiser_ids(session, project_id=project_id),
        )
        workspace_id = project.workspace_id
    api, connection_id = await api_for(context, workspace_id=workspace_id)
    campaign = await call(context, connection_id, api.update_campaign(request))
    async with run.finish() as session:
        project = await session.get(LiteProject, project_id)
        if project is not None and campaign.invite_link and campaign.invite_link != project.tto_invite_link:
            project.tto_invite_link = campaign.invite_link[:1000]
            await queue_card_refresh(session, project=project, reason=f"tto-update-{run.id}")


def _utc(value: str | None) -> dt.datetime | None:
    """TikTok's "YYYY-MM-DD HH:MM:SS" (UTC) as a datetime, or None."""
    if not value:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
