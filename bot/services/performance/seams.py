"""What the performance providers need to know about a project, kept behind two small functions.

The TikTok One campaign of a project and the advertiser accounts its Spark Ads run in are owned by
other parts of the app (TikTok One campaigns, spark-code verification); collection asks only here.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import AdsAccount, LiteProject, ProjectAdsAccount


async def campaign_id_of(session: AsyncSession, *, project: LiteProject) -> str | None:
    """The project's TikTok One campaign id (a `BRAND_LINK` campaign), or None when it has none."""
    return project.tto_campaign_id or None


async def advertiser_ids_of(
    session: AsyncSession, *, project: LiteProject, connected: tuple[str, ...]
) -> list[str]:
    """The project's Ads Manager accounts the workspace's token may read (all of them when the
    connection doesn't list its accounts, as a token set in the server's settings doesn't)."""
    query = (
        select(AdsAccount.advertiser_id)
        .join(ProjectAdsAccount, col(ProjectAdsAccount.ads_account_id) == col(AdsAccount.id))
        .where(col(ProjectAdsAccount.project_id) == project.id)
        .order_by(col(AdsAccount.advertiser_id))
    )
    mine = list((await session.execute(query)).scalars().all())
    return [advertiser for advertiser in mine if not connected or advertiser in connected]
