"""Brand profiles and anchors shared with TikTok One, for workspaces connected to it.

- `tto_assets_sync` (on connect, then hourly) mirrors the account's brand profiles into the local
  `brand_profiles` table (a profile of the same name gets its TikTok One id; one the workspace
  doesn't have yet is added), and gives local anchors the id of TikTok One's anchor of the same
  name; the create modal keeps reading the local tables, so it offers TikTok One's profiles.
- `tto_brand_create` / `tto_anchor_create` (queued in the transaction of `brand add` /
  `anchor add`) make the new asset in TikTok One; each looks for one of that name first, so a try
  whose answer was lost never makes it twice.
A campaign create then sends `brand_profile_id` and `anchor_id` when the project's assets have one.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.jobs import enqueue
from bot.jobs.registry import GiveUp, JobRun, job_kind, periodic
from bot.services.tiktok_one_sync import KIND, api_for, call, tiktok_one_account
from bot.services.validation import domain_of
from bot.settings import Settings
from bot.tiktok import tiktok_one
from storage.models import (
    Anchor,
    AnchorKind,
    BrandProfile,
    TikTokConnection,
    TikTokConnectionStatus,
)

log = logging.getLogger(__name__)

SYNC = "tto_assets_sync"
BRAND_CREATE = "tto_brand_create"
ANCHOR_CREATE = "tto_anchor_create"
MAX_ANCHOR_PAGES = 20
# TikTok One's anchor type for the local kinds it can take (from the SDK; TO BE CONFIRMED); the
# other kinds stay local
ANCHOR_TYPES = {AnchorKind.WEBPAGE: "WEB_ANCHOR"}


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


# --- in the transaction of the change ---------------------------------------------------------------


async def queue_sync(session: AsyncSession, *, workspace_id: int, key: str) -> bool:
    return await enqueue(
        session, kind=SYNC, key=f"tto-assets:{workspace_id}:{key}", payload={}, workspace_id=workspace_id
    )


async def on_brand_added(session: AsyncSession, *, brand: BrandProfile) -> bool:
    """A connected workspace's new brand profile is made in TikTok One too (queued here)."""
    if brand.tto_brand_profile_id is not None:
        return False
    if await tiktok_one_account(session, workspace_id=brand.workspace_id) is None:
        return False
    return await enqueue(
        session,
        kind=BRAND_CREATE,
        key=f"tto-brand:{brand.id}",
        payload={"brand_id": brand.id},
        workspace_id=brand.workspace_id,
    )


async def on_anchor_added(session: AsyncSession, *, anchor: Anchor) -> bool:
    if anchor.tto_anchor_id is not None or anchor.kind not in ANCHOR_TYPES:
        return False
    if await tiktok_one_account(session, workspace_id=anchor.workspace_id) is None:
        return False
    return await enqueue(
        session,
        kind=ANCHOR_CREATE,
        key=f"tto-anchor:{anchor.id}",
        payload={"anchor_id": anchor.id},
        workspace_id=anchor.workspace_id,
    )


async def on_account_changed(session: AsyncSession, *, workspace_id: int, key: str) -> bool:
    """TikTok One's ids belong to one account: a new one (connect, or another picked) forgets them
    and mirrors that account's assets afresh; until then campaigns fall back to the brand's name."""
    for brand in (
        await session.execute(select(BrandProfile).where(col(BrandProfile.workspace_id) == workspace_id))
    ).scalars():
        brand.tto_brand_profile_id = None
    for anchor in (
        await session.execute(select(Anchor).where(col(Anchor.workspace_id) == workspace_id))
    ).scalars():
        anchor.tto_anchor_id = None
    return await queue_sync(session, workspace_id=workspace_id, key=key)


@periodic("tto_assets_sync")
async def queue_syncs(session: AsyncSession, now: dt.datetime, settings: Settings) -> int:
    """Every connected workspace's assets are mirrored again once an hour."""
    query = select(TikTokConnection).where(
        col(TikTokConnection.kind) == KIND,
        col(TikTokConnection.status) == TikTokConnectionStatus.CONNECTED,
    )
    queued = 0
    for connection in (await session.execute(query)).scalars().all():
        queued += await queue_sync(
            session, workspace_id=connection.workspace_id, key=now.strftime("%Y-%m-%dT%H")
        )
    return queued


# --- the jobs -----------------------------------------------------------------------------------------


async def _all_anchors(
    api: tiktok_one.TikTokOneApi, run: JobRun, connection_id: int, account: str
) -> list[tiktok_one.Anchor]:
    found: list[tiktok_one.Anchor] = []
    for page in range(1, MAX_ANCHOR_PAGES + 1):
        answer = await call(run.context, connection_id, api.anchors(account_id=account, page=page))
        found.extend(answer.anchors)
        if answer.page_info is None or page >= answer.page_info.total_page:
            break
    return found


@job_kind(SYNC, max_attempts=4, rate=1.0, burst=2)
async def run_sync(run: JobRun) -> None:
    workspace_id = run.workspace_id
    if workspace_id is None:
        return
    async with run.context.sessions() as session:
        account = await tiktok_one_account(session, workspace_id=workspace_id)
    if account is None:
        return
    api, connection_id = await api_for(run.context, workspace_id=workspace_id)
    profiles = await call(run.context, connection_id, api.brand_profiles(account_id=account))
    try:
        anchors = await _all_anchors(api, run, connection_id, account)
    except GiveUp as exc:
        # an account that refuses the anchor listing still gets its brand profiles mirrored
        log.warning("TikTok One anchors not mirrored for workspace %s: %s", workspace_id, exc)
        anchors = []
    async with run.finish() as session:
        await mirror(session, workspace_id=workspace_id, profiles=profiles.brand_profiles, anchors=anchors)


async def mirror(
    session: AsyncSession,
    *,
    workspace_id: int,
    profiles: list[tiktok_one.BrandProfile],
    anchors: list[tiktok_one.Anchor],
) -> None:
    brands = list(
        (await session.execute(select(BrandProfile).where(col(BrandProfile.workspace_id) == workspace_id)))
        .scalars()
        .all()
    )
    for profile in profiles:
        name = profile.brand_name.strip()[:100]
        if not name:
            continue
        known = next((b for b in brands if b.tto_brand_profile_id == profile.brand_profile_id), None)
        known = known or next(
            (b for b in brands if b.tto_brand_profile_id is None and _same(b.name, name)), None
        )
        if known is not None:
            known.tto_brand_profile_id = profile.brand_profile_id
            continue
        if any(_same(b.name, name) for b in brands):
            continue  # a local brand of that name is already tied to another TikTok One profile
        website = (profile.brand_website or "")[:500]
        brand = BrandProfile(
            workspace_id=workspace_id,
            name=name,
            website=website,
            contact_email="",
            logo_url=(profile.logo_url or None),
            domain=_domain(website),
            created_by="tiktok_one",
            tto_brand_profile_id=profile.brand_profile_id,
        )
        session.add(brand)
        brands.append(brand)
    locals_ = (
        await session.execute(select(Anchor).where(col(Anchor.workspace_id) == workspace_id))
    ).scalars()
    for anchor in locals_.all():
        if anchor.tto_anchor_id is None:
            match = next((a for a in anchors if _same(a.anchor_name, anchor.name)), None)
            if match is not None:
                anchor.tto_anchor_id = match.anchor_id


def _domain(website: str) -> str:
    try:
        return domain_of(website)[:253]
    except ValueError:  # a malformed address from TikTok One: no domain rather than no brand
        return ""


@job_kind(BRAND_CREATE, max_attempts=8, rate=2.0, burst=2)
async def run_brand_create(run: JobRun) -> None:
    brand_id = run.payload.get("brand_id")
    if not isinstance(brand_id, int):
        return
    async with run.context.sessions() as session:
        brand = await session.get(BrandProfile, brand_id)
        if brand is None or brand.tto_brand_profile_id is not None:
            return
        account = await tiktok_one_account(session, workspace_id=brand.workspace_id)
        if account is None:
            return
        request = tiktok_one.BrandProfileCreateRequest(
            tto_tcm_account_id=account,
            brand_name=brand.name[:60],
            brand_website=brand.website or None,
            logo_url=brand.logo_url,
        )
        workspace_id = brand.workspace_id
    api, connection_id = await api_for(run.context, workspace_id=workspace_id)
    existing = await call(run.context, connection_id, api.brand_profiles(account_id=account))
    profile = next((p for p in existing.brand_profiles if _same(p.brand_name, request.brand_name)), None)
    if profile is None:
        profile = await call(run.context, connection_id, api.create_brand_profile(request))
    async with run.finish() as session:
        brand = await session.get(BrandProfile, brand_id)
        if brand is not None:
            brand.tto_brand_profile_id = profile.brand_profile_id


@job_kind(ANCHOR_CREATE, max_attempts=8, rate=2.0, burst=2)
async def run_anchor_create(run: JobRun) -> None:
    anchor_id = run.payload.get("anchor_id")
    if not isinstance(anchor_id, int):
        return
    async with run.context.sessions() as session:
        anchor = await session.get(Anchor, anchor_id)
        if anchor is None or anchor.tto_anchor_id is not None or anchor.kind not in ANCHOR_TYPES:
            return
        account = await tiktok_one_account(session, workspace_id=anchor.workspace_id)
        if account is None:
            return
        request = tiktok_one.AnchorCreateRequest(
            tto_tcm_account_id=account,
            anchor_name=anchor.name,
            anchor_title=anchor.name,
            anchor_type=ANCHOR_TYPES[anchor.kind],
            country_code=anchor.country.upper(),
            call_to_action=tiktok_one.CallToAction(landing_page_url=anchor.url),
        )
        workspace_id = anchor.workspace_id
    api, connection_id = await api_for(run.context, workspace_id=workspace_id)
    existing = await _all_anchors(api, run, connection_id, account)
    made = next((a for a in existing if _same(a.anchor_name, request.anchor_name)), None)
    if made is None:
        made = await call(run.context, connection_id, api.create_anchor(request))
    async with run.finish() as session:
        anchor = await session.get(Anchor, anchor_id)
        if anchor is not None:
            anchor.tto_anchor_id = made.anchor_id
