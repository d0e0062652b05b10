"""What the performance providers need to know about a project, kept behind two small functions.

The TikTok One campaign of a project and the advertiser accounts its Spark Ads run in are owned by
other parts of the app (TikTok One campaigns, spark-code verification); collection asks only here.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage import projects as project_queries
from storage.models import LiteProject


async def campaign_id_of(session: AsyncSession, *, project: LiteProject) -> str | None:
    """The project's TikTok One campaign id (a `BRAND_LINK` campaign), or None when it has none."""
    return project.tto_campaign_id or None


async def advertiser_ids_of(
    session: AsyncSession, *, project: LiteProject, connected: tuple[str, ...]
) -> list[str]:
    """The project's Ads Manager accounts the workspace's token may read (all of them when the
    connection doesn't list its accounts, as a token set in the server's settings doesn't)."""
    assert project.id is not None
    mine = await project_queries.project_advertiser_ids(session, project_id=project.id)
    return [advertiser for advertiser in mine if not connected or advertiser in connected]
