"""Queries about a workspace's reusable assets (brand profiles, Ads Manager accounts, anchors).

Keyword-only functions that take the session; every one is scoped by workspace_id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import AdsAccount, Anchor, BrandProfile, LiteProject, ProjectAdsAccount


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


async def projects_using_ads_account(
    session: AsyncSession, *, workspace_id: int, ads_account_id: int
) -> Sequence[LiteProject]:
    """The workspace's projects (archived ones too) that run ads through this account."""
    used = select(ProjectAdsAccount.project_id).where(col(ProjectAdsAccount.ads_account_id) == ads_account_id)
    query = (
        select(LiteProject)
        .where(col(LiteProject.workspace_id) == workspace_id, col(LiteProject.id).in_(used))
        .order_by(col(LiteProject.link_name))
    )
    return (await session.execute(query)).scalars().all()


async def projects_using_anchor(
    session: AsyncSession, *, workspace_id: int, anchor_id: int
) -> Sequence[LiteProject]:
    query = (
        select(LiteProject)
        .where(col(LiteProject.workspace_id) == workspace_id, col(LiteProject.anchor_id) == anchor_id)
        .order_by(col(LiteProject.link_name))
    )
    return (await session.execute(query)).scalars().all()


async def get_ads_account(
    session: AsyncSession, *, workspace_id: int, ads_account_id: int
) -> AdsAccount | None:
    query = select(AdsAccount).where(
        col(AdsAccount.workspace_id) == workspace_id, col(AdsAccount.id) == ads_account_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_brands(session: AsyncSession, *, workspace_id: int) -> Sequence[BrandProfile]:
    query = (
        select(BrandProfile).where(col(BrandProfile.workspace_id) == workspace_id).order_by(BrandProfile.name)
    )
    return (await session.execute(query)).scalars().all()


async def get_brand(session: AsyncSession, *, workspace_id: int, brand_id: int) -> BrandProfile | None:
    query = select(BrandProfile).where(
        col(BrandProfile.workspace_id) == workspace_id, col(BrandProfile.id) == brand_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def projects_of_brand(
    session: AsyncSession, *, workspace_id: int, brand_id: int
) -> Sequence[LiteProject]:
    query = select(LiteProject).where(
        col(LiteProject.workspace_id) == workspace_id, col(LiteProject.brand_id) == brand_id
    )
    return (await session.execute(query)).scalars().all()


async def find_brand_by_name(session: AsyncSession, *, workspace_id: int, name: str) -> BrandProfile | None:
    query = select(BrandProfile).where(
        col(BrandProfile.workspace_id) == workspace_id, func.lower(BrandProfile.name) == name.lower()
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_ads_accounts(session: AsyncSession, *, workspace_id: int) -> Sequence[AdsAccount]:
    query = (
        select(AdsAccount)
        .where(col(AdsAccount.workspace_id) == workspace_id)
        .order_by(AdsAccount.display_name)
    )
    return (await session.execute(query)).scalars().all()


async def get_ads_accounts(
    session: AsyncSession, *, workspace_id: int, ids: Sequence[int]
) -> Sequence[AdsAccount]:
    query = select(AdsAccount).where(
        col(AdsAccount.workspace_id) == workspace_id, col(AdsAccount.id).in_(ids)
    )
    return (await session.execute(query)).scalars().all()


async def find_ads_account(
    session: AsyncSession, *, workspace_id: int, advertiser_id: str
) -> AdsAccount | None:
    query = select(AdsAccount).where(
        col(AdsAccount.workspace_id) == workspace_id, col(AdsAccount.advertiser_id) == advertiser_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_anchors(session: AsyncSession, *, workspace_id: int) -> Sequence[Anchor]:
    query = select(Anchor).where(col(Anchor.workspace_id) == workspace_id).order_by(Anchor.name)
    return (await session.execute(query)).scalars().all()


async def get_anchor(session: AsyncSession, *, workspace_id: int, anchor_id: int) -> Anchor | None:
    query = select(Anchor).where(col(Anchor.workspace_id) == workspace_id, col(Anchor.id) == anchor_id)
    return (await session.execute(query)).scalar_one_or_none()


async def find_anchor_by_name(session: AsyncSession, *, workspace_id: int, name: str) -> Anchor | None:
    query = select(Anchor).where(
        col(Anchor.workspace_id) == workspace_id, func.lower(Anchor.name) == name.lower()
    )
    return (await session.execute(query)).scalar_one_or_none()


AssetT = TypeVar("AssetT", BrandProfile, Anchor)


async def workspace_assets(session: AsyncSession, model: type[AssetT], *, workspace_id: int) -> list[AssetT]:
    """Every brand profile or anchor (whichever `model` is) of the workspace."""
    query = select(model).where(col(model.workspace_id) == workspace_id)
    return list((await session.execute(query)).scalars().all())
