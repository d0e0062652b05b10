"""Queries about a workspace's reusable assets (brand profiles, Ads Manager accounts, anchors).

Keyword-only functions that take the session; every one is scoped by workspace_id.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import AdsAccount, Anchor, BrandProfile


@dataclass(frozen=True)
class AssetCounts:
    brands: int
    ads_accounts: int
    anchors: int


async def count_assets(session: AsyncSession, *, workspace_id: int) -> AssetCounts:
    """How many of each asset the workspace has, in one round trip."""
    brands = (
        select(func.count()).select_from(BrandProfile).where(col(BrandProfile.workspace_id) == workspace_id)
    )
    accounts = (
        select(func.count()).select_from(AdsAccount).where(col(AdsAccount.workspace_id) == workspace_id)
    )
    anchors = select(func.count()).select_from(Anchor).where(col(Anchor.workspace_id) == workspace_id)
    row = (
        await session.execute(
            select(brands.scalar_subquery(), accounts.scalar_subquery(), anchors.scalar_subquery())
        )
    ).one()
    return AssetCounts(brands=int(row[0]), ads_accounts=int(row[1]), anchors=int(row[2]))
