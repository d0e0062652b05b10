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
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs import enqueue
from bot.jobs.registry import GiveUp, JobRun, job_kind, periodic
from bot.services.audit import TARGET_TYPES
from bot.services.job_rows import PAYLOAD_KEYS, payload_id, queue_about
from bot.services.tiktok_one_sync import KIND, TikTokOne, api_for, tiktok_one_account
from bot.services.validation import domain_of
from bot.settings import Settings
from bot.tiktok import tiktok_one
from storage import assets as asset_queries
from storage import connections as connection_queries
from storage.models import (
    Anchor,
    AnchorKind,
    BrandProfile,
)

log = logging.getLogger(__name__)

SYNC = "tto_assets_sync"
BRAND_CREATE = "tto_brand_create"
ANCHOR_CREATE = "tto_anchor_create"
MAX_ANCHOR_PAGES = 20
# TikTok One's anchor type for the local kinds it can take (from the SDK; TO BE CONFIRMED); the
# other kinds stay local
ANCHOR_TYPES = {AnchorKind.WEBPAGE: "WEB_ANCHOR"}
AssetT = TypeVar("AssetT", BrandProfile, Anchor)
Maker = Callable[[TikTokOne, AssetT, str], Awaitable[str]]


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


# the assets TikTok One keeps ids for: a brand profile, or an anchor of a kind it takes
Asset = BrandProfile | Anchor
CREATE_KINDS: dict[type, str] = {BrandProfile: BRAND_CREATE, Anchor: ANCHOR_CREATE}


def tto_id_of(asset: Asset) -> str | None:
    return asset.tto_brand_profile_id if isinstance(asset, BrandProfile) else asset.tto_anchor_id


def _set_tto_id(asset: Asset, tto_id: str | None) -> None:
    if isinstance(asset, BrandProfile):
        asset.tto_brand_profile_id = tto_id
    else:
        asset.tto_anchor_id = tto_id


def _to_make(asset: Asset) -> bool:
    """Not in TikTok One yet, and of a kind it takes."""
    return tto_id_of(asset) is None and (isinstance(asset, BrandProfile) or asset.kind in ANCHOR_TYPES)


# --- in the transaction of the change ---------------------------------------------------------------


async def queue_sync(session: AsyncSession, *, workspace_id: int, key: str) -> bool:
    return await enqueue(
        session, kind=SYNC, key=f"tto-assets:{workspace_id}:{key}", payload={}, workspace_id=workspace_id
    )


async def on_asset_added(session: AsyncSession, *, asset: Asset) -> bool:
    """A connected workspace's new brand profile or anchor is made in TikTok One too (queued here)."""
    if not _to_make(asset) or await tiktok_one_account(session, workspace_id=asset.workspace_id) is None:
        return False
    key = f"tto-{TARGET_TYPES[type(asset)]}:{asset.id}"
    return await queue_about(session, asset, kind=CREATE_KINDS[type(asset)], key=key)


async def on_brand_added(session: AsyncSession, *, brand: BrandProfile) -> bool:
    return await on_asset_added(session, asset=brand)


async def on_anchor_added(session: AsyncSession, *, anchor: Anchor) -> bool:
    return await on_asset_added(session, asset=anchor)


async def on_account_changed(session: AsyncSession, *, workspace_id: int, key: str) -> bool:
    """TikTok One's ids belong to one account: a new one (connect, or another picked) forgets them
    and mirrors that account's assets afresh; until then campaigns fall back to the brand's name."""
    assets: list[Asset] = [
        *await asset_queries.workspace_assets(session, BrandProfile, workspace_id=workspace_id),
        *await asset_queries.workspace_assets(session, Anchor, workspace_id=workspace_id),
    ]
    for asset in assets:
        _set_tto_id(asset, None)
    return await queue_sync(session, workspace_id=workspace_id, key=key)


@periodic("tto_assets_sync")
async def queue_syncs(session: AsyncSession, now: dt.datetime, settings: Settings) -> int:
    """Every connected workspace's assets are mirrored again once an hour."""
    queued = 0
    for connection in await connection_queries.connected(session, kind=KIND):
        queued += await queue_sync(
            session, workspace_id=connection.workspace_id, key=now.strftime("%Y-%m-%dT%H")
        )
    return queued


# --- the jobs -----------------------------------------------------------------------------------------


async def _all_anchors(tto: TikTokOne, account: str) -> list[tiktok_one.Anchor]:
    found: list[tiktok_one.Anchor] = []
    for page in range(1, MAX_ANCHOR_PAGES + 1):
        answer = await tto.call(tto.api.anchors(account_id=account, page=page))
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
    tto = await api_for(run.context, workspace_id=workspace_id)
    profiles = await tto.call(tto.api.brand_profiles(account_id=account))
    try:
        anchors = await _all_anchors(tto, account)
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
    brands = await asset_queries.workspace_assets(session, BrandProfile, workspace_id=workspace_id)
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
    for anchor in await asset_queries.workspace_assets(session, Anchor, workspace_id=workspace_id):
        if anchor.tto_anchor_id is None:
            match = next((a for a in anchors if _same(a.anchor_name, anchor.name)), None)
            if match is not None:
                anchor.tto_anchor_id = match.anchor_id


def _domain(website: str) -> str:
    try:
        return domain_of(website)[:253]
    except ValueError:  # a malformed address from TikTok One: no domain rather than no brand
        return ""


async def _make_once(run: JobRun, model: type[AssetT], make: Maker[AssetT]) -> None:
    """Make the brand profile or anchor the job names in TikTok One (unless it is gone, made
    already, or the workspace is no longer connected), and keep its id there."""
    asset_id = payload_id(run, PAYLOAD_KEYS[model])
    if asset_id is None:
        return
    async with run.context.sessions() as session:
        asset = await session.get(model, asset_id)
        if asset is None or not _to_make(asset):
            return
        account = await tiktok_one_account(session, workspace_id=asset.workspace_id)
    if account is None:
        return
    tto = await api_for(run.context, workspace_id=asset.workspace_id)
    tto_id = await make(tto, asset, account)
    async with run.finish() as session:
        stored = await session.get(model, asset_id)
        if stored is not None:
            _set_tto_id(stored, tto_id)


# each looks for one of that name first: a try whose answer was lost never makes it twice


async def _make_brand(tto: TikTokOne, brand: BrandProfile, account: str) -> str:
    request = tiktok_one.BrandProfileCreateRequest(
        tto_tcm_account_id=account,
        brand_name=brand.name[:60],
        brand_website=brand.website or None,
        logo_url=brand.logo_url,
    )
    existing = await tto.call(tto.api.brand_profiles(account_id=account))
    profile = next((p for p in existing.brand_profiles if _same(p.brand_name, request.brand_name)), None)
    if profile is None:
        profile = await tto.call(tto.api.create_brand_profile(request))
    return profile.brand_profile_id


async def _make_anchor(tto: TikTokOne, anchor: Anchor, account: str) -> str:
    request = tiktok_one.AnchorCreateRequest(
        tto_tcm_account_id=account,
        anchor_name=anchor.name,
        anchor_title=anchor.name,
        anchor_type=ANCHOR_TYPES[anchor.kind],
        country_code=anchor.country.upper(),
        call_to_action=tiktok_one.CallToAction(landing_page_url=anchor.url),
    )
    existing = await _all_anchors(tto, account)
    made = next((a for a in existing if _same(a.anchor_name, request.anchor_name)), None)
    if made is None:
        made = await tto.call(tto.api.create_anchor(request))
    return made.anchor_id


@job_kind(BRAND_CREATE, max_attempts=8, rate=2.0, burst=2)
async def run_brand_create(run: JobRun) -> None:
    await _make_once(run, BrandProfile, _make_brand)


@job_kind(ANCHOR_CREATE, max_attempts=8, rate=2.0, burst=2)
async def run_anchor_create(run: JobRun) -> None:
    await _make_once(run, Anchor, _make_anchor)
