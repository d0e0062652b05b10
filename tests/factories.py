"""Rows for tests, built through the same session the app uses (keyword-only, sensible defaults),
and read back."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel, col

from bot.services import connections, linking
from bot.services.deliveries import Delivery, deliver_video
from bot.services.projects import new_invite_token
from bot.services.workspaces import Actor
from bot.settings import Settings
from storage import outbox as outbox_queries
from storage import workspaces as workspace_queries
from storage.models import (
    AdsAccount,
    Anchor,
    AnchorKind,
    BrandProfile,
    Job,
    JobState,
    LinkingRequest,
    LiteProject,
    ProjectAdsAccount,
    ReviewState,
    TikTokConnection,
    TikTokConnectionKind,
    Video,
    VideoSource,
    VideoStatus,
    Workspace,
    utcnow,
)
from tests.harness.fake_slack import TEAM_ID
from tests.harness.slack_requests import CHANNEL_ID, USER_ID

_serial = itertools.count(1)

RowT = TypeVar("RowT", bound=SQLModel)


async def _added(session: AsyncSession, row: RowT) -> RowT:
    session.add(row)
    await session.flush()
    return row


async def make_workspace(session: AsyncSession, *, team_id: str = TEAM_ID) -> Workspace:
    return await workspace_queries.get_or_create_workspace(session, team_id=team_id)


async def make_brand(
    session: AsyncSession,
    *,
    workspace: Workspace,
    name: str | None = None,
    website: str = "https://www.glowco.com",
    domain: str = "glowco.com",
    contact_email: str = "partners@glowco.com",
    logo_url: str | None = None,
    created_by: str = USER_ID,
) -> BrandProfile:
    brand = BrandProfile(
        workspace_id=workspace.id,  # type: ignore[arg-type]
        name=name or f"GlowCo {next(_serial)}",
        website=website,
        domain=domain,
        contact_email=contact_email,
        logo_url=logo_url,
        created_by=created_by,
    )
    return await _added(session, brand)


async def make_ads_account(
    session: AsyncSession,
    *,
    workspace: Workspace,
    advertiser_id: str | None = None,
    display_name: str = "GlowCo US",
) -> AdsAccount:
    account = AdsAccount(
        workspace_id=workspace.id,  # type: ignore[arg-type]
        advertiser_id=advertiser_id or f"71234567890{next(_serial):08d}",
        display_name=display_name,
    )
    return await _added(session, account)


async def make_anchor(
    session: AsyncSession,
    *,
    workspace: Workspace,
    name: str | None = None,
    kind: AnchorKind = AnchorKind.WEBPAGE,
    url: str = "https://www.glowco.com/serum",
) -> Anchor:
    anchor = Anchor(
        workspace_id=workspace.id,  # type: ignore[arg-type]
        kind=kind,
        name=name or f"Serum page {next(_serial)}",
        country="US",
        url=url,
    )
    return await _added(session, anchor)


async def make_assets(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """A workspace's brand, anchor and Ads Manager account, as the create modal needs; their ids."""
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        brand = await make_brand(session, workspace=workspace, name="GlowCo")
        anchor = await make_anchor(session, workspace=workspace, name="Serum page")
        account = await make_ads_account(session, workspace=workspace, advertiser_id="7123456789012345678")
    return {"brand": brand.id, "anchor": anchor.id, "account": account.id}  # type: ignore[dict-item]


async def make_project(
    session: AsyncSession,
    *,
    workspace: Workspace | None = None,
    link_name: str | None = None,
    active: bool = True,
    authorization_days: int = 30,
    deadline: dt.date | None = None,
    channel_id: str = CHANNEL_ID,
    created_by: str = USER_ID,
    brand: BrandProfile | None = None,
    creator_language: str = "",
    tto_campaign_id: str | None = None,
) -> LiteProject:
    """A project with its own brand, anchor and one Ads Manager account (and, given one, the
    TikTok One campaign it is)."""
    workspace = workspace or await make_workspace(session)
    brand = brand or await make_brand(session, workspace=workspace)
    anchor = await make_anchor(session, workspace=workspace)
    account = await make_ads_account(session, workspace=workspace)
    project = LiteProject(
        workspace_id=workspace.id,  # type: ignore[arg-type]
        link_name=link_name or f"Summer glow {next(_serial)}",
        brand_id=brand.id,  # type: ignore[arg-type]
        authorization_days=authorization_days,
        anchor_id=anchor.id,  # type: ignore[arg-type]
        invite_token=new_invite_token(),
        active=active,
        created_by=created_by,
        description="A vitamin C serum for sensitive skin; Gen Z skincare fans.",
        deliverable="One 30-60 s video showing your morning routine",
        requirements="Mention #GlowCoPartner; show the bottle in the first 3 s",
        deadline=deadline,
        contact="partners@glowco.com",
        channel_id=channel_id,
        creator_language=creator_language,
        tto_campaign_id=tto_campaign_id,
    )
    session.add(project)
    await session.flush()
    session.add(ProjectAdsAccount(project_id=project.id, ads_account_id=account.id))  # type: ignore[arg-type]
    await session.flush()
    return project


async def make_video(
    session: AsyncSession,
    *,
    project: LiteProject,
    creator_handle: str = "glow.maker",
    tiktok_video_id: str | None = None,
    spark_code: str | None = None,
    review_state: ReviewState = ReviewState.UNREVIEWED,
    delivered_at: dt.datetime | None = None,
) -> Video:
    """A video delivered through the project's invite link (written directly, no alert queued)."""
    video_id = tiktok_video_id or f"73{next(_serial):017d}"
    video = Video(
        workspace_id=project.workspace_id,
        project_id=project.id,  # type: ignore[arg-type]
        video_key=video_id,
        tiktok_video_id=video_id,
        url=f"https://www.tiktok.com/@{creator_handle}/video/{video_id}",
        creator_handle=creator_handle,
        creator_email=f"{creator_handle.replace('.', '')}@example.com",
        spark_code=spark_code,
        source=VideoSource.INVITE_LINK,
        status=VideoStatus.DELIVERED,
        review_state=review_state,
        delivered_at=delivered_at or dt.datetime.now(dt.UTC),
    )
    return await _added(session, video)


async def make_delivery(
    session: AsyncSession,
    *,
    project: LiteProject,
    number: int = 1,
    handle: str = "maker",
    spark_code: str | None = None,
) -> Delivery:
    """A creator delivers video `number` through the project's invite link, through the same
    service the creator page calls (so the alert and card refresh are queued)."""
    return await deliver_video(
        session,
        invite_token=project.invite_token,
        url=f"https://www.tiktok.com/@{handle}/video/{7_300_000_000_000_000_000 + number}",
        creator_handle=handle,
        creator_email=f"{handle.replace('.', '')}@example.com",
        spark_code=spark_code,
    )


async def new_linking_request(
    sessions: async_sessionmaker[AsyncSession],
    *,
    urls: str,
    link_name: str = "Summer glow",
    logo_url: str | None = None,
    created: dt.datetime | None = None,
) -> LinkingRequest:
    """The linking request to the first creator of `urls` (pasted, one a line), sent by USER_ID for
    a new project of a brand on glowco.com."""
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        brand = await make_brand(
            session, workspace=workspace, name="GlowCo", domain="glowco.com", logo_url=logo_url
        )
        project = await make_project(session, workspace=workspace, brand=brand, link_name=link_name)
        assert project.id is not None
        candidates, _, _ = linking.parse_lines(urls)
        confirmation = await linking.confirm_videos(
            session,
            actor=Actor(team_id=TEAM_ID, user_id=USER_ID),
            project_id=project.id,
            candidates=candidates,
            selected=[c.key for c in candidates],
            expires_after_days=30,
            entitled=True,
            now=created,
        )
        return confirmation.requests[0].request


async def make_connection(
    session: AsyncSession,
    *,
    settings: Settings,
    workspace_id: int,
    access_token: str,
    account_ids: list[str],
    kind: TikTokConnectionKind = TikTokConnectionKind.BUSINESS,
) -> TikTokConnection:
    """The workspace connected to a TikTok API by USER_ID, as the end of the OAuth flow stores it."""
    return await connections.connect(
        session,
        settings=settings,
        workspace_id=workspace_id,
        kind=kind,
        access_token=access_token,
        account_ids=account_ids,
        connected_by=USER_ID,
    )


async def make_outbox_messages(
    session: AsyncSession,
    *,
    workspace: Workspace,
    count: int,
    key: str,
    channel_id: str,
    kind: str = "video_delivered",
    payload: dict[str, Any] | None = None,
) -> None:
    """`count` pending outbox messages to one channel, with dedup keys `<key>:0`, `<key>:1`, ..."""
    for number in range(count):
        await outbox_queries.add_outbox_message(
            session,
            workspace_id=workspace.id,  # type: ignore[arg-type]
            dedup_key=f"{key}:{number}",
            kind=kind,
            channel_id=channel_id,
            payload=payload or {},
        )


def a_spark_code(n: int = 0) -> str:
    """A spark code of the shape TikTok issues (`#` and 64 base64 characters), different per n."""
    return "#" + base64.b64encode(hashlib.sha384(f"spark-code-{n}".encode()).digest()[:47]).decode()


async def new_project(sessions: async_sessionmaker[AsyncSession], **kwargs: Any) -> LiteProject:
    """`make_project` in a transaction of its own, committed."""
    async with sessions.begin() as session:
        return await make_project(session, **kwargs)


async def rows(
    sessions: async_sessionmaker[AsyncSession], model: type[RowT], *where: ColumnElement[bool]
) -> list[RowT]:
    """The stored rows of `model` (those matching `where`), in the order they were added."""
    async with sessions() as session:
        query = select(model).where(*where).order_by(*inspect(model).primary_key)
        return list((await session.execute(query)).scalars().all())


async def count(sessions: async_sessionmaker[AsyncSession], model: type[SQLModel]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def held_by_a_dead_replica(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The two pending jobs as a replica that died holding them leaves them: one lease has run
    out, the other runs out in a second."""
    async with sessions.begin() as session:
        query = select(Job).where(col(Job.state) == JobState.PENDING).order_by(col(Job.id))
        pending = (await session.execute(query)).scalars().all()
        assert len(pending) == 2
        for job, lease_left in zip(pending, (-1, 1), strict=True):
            job.lease_owner, job.lease_expires_at = (
                "dead-replica",
                utcnow() + dt.timedelta(seconds=lease_left),
            )
