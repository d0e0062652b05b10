"""Rows the benchmark needs, written straight to the database before the server starts."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, create_sessionmaker
from storage.models import LiteProject, OutboxMessage, Video, VideoSource, VideoStatus
from tests.factories import make_ads_account, make_anchor, make_brand, make_project, make_workspace


@dataclass
class Seeded:
    workspace_id: int
    project_ids: list[int]
    tokens: list[str]
    assets: dict[str, int]  # brand, anchor, account for the create modal


async def seed_projects(database_url: str, count: int) -> Seeded:
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions.begin() as session:
            workspace = await make_workspace(session)
            brand = await make_brand(session, workspace=workspace, name="GlowCo")
            anchor = await make_anchor(session, workspace=workspace, name="Serum page")
            account = await make_ads_account(
                session, workspace=workspace, advertiser_id="7123456789012345678"
            )
            projects = [
                await make_project(session, workspace=workspace, brand=brand, link_name=f"Summer glow {n}")
                for n in range(count)
            ]
        assert workspace.id is not None and brand.id and anchor.id and account.id
        return Seeded(
            workspace_id=workspace.id,
            project_ids=[project.id for project in projects if project.id is not None],
            tokens=[project.invite_token for project in projects],
            assets={"brand": brand.id, "anchor": anchor.id, "account": account.id},
        )
    finally:
        await engine.dispose()


async def count_rows(database_url: str, model: type) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(select(func.count()).select_from(model))).scalar_one())
    finally:
        await engine.dispose()


async def count_projects(database_url: str) -> int:
    return await count_rows(database_url, LiteProject)


async def count_videos(database_url: str) -> int:
    return await count_rows(database_url, Video)


async def add_videos(database_url: str, seeded: Seeded, *, upto: int, batch: int = 5000) -> float:
    """Insert videos (spread over the projects) until there are `upto`; returns seconds taken."""
    engine = create_engine(database_url)
    began = dt.datetime.now(dt.UTC)
    try:
        async with engine.connect() as connection:
            have = int((await connection.execute(select(func.count()).select_from(Video))).scalar_one())
        table = Video.__table__  # type: ignore[attr-defined]
        now = dt.datetime.now(dt.UTC)
        for start in range(have, upto, batch):
            rows = []
            for n in range(start, min(upto, start + batch)):
                video_id = f"75{n:017d}"
                handle = f"grow.{n % 5000}"
                rows.append(
                    {
                        "workspace_id": seeded.workspace_id,
                        "project_id": seeded.project_ids[n % len(seeded.project_ids)],
                        "video_key": video_id,
                        "tiktok_video_id": video_id,
                        "url": f"https://www.tiktok.com/@{handle}/video/{video_id}",
                        "needs_resolution": False,
                        "creator_handle": handle,
                        "creator_email": None,
                        "spark_code": None,
                        "source": VideoSource.INVITE_LINK.value,
                        "status": (VideoStatus.AUTHORIZED if n % 3 == 0 else VideoStatus.DELIVERED).value,
                        "review_state": "unreviewed",
                        "delivered_at": now - dt.timedelta(seconds=n),
                    }
                )
            async with engine.begin() as connection:
                await connection.execute(insert(table), rows)
        await _analyze(engine)
    finally:
        await engine.dispose()
    return (dt.datetime.now(dt.UTC) - began).total_seconds()


async def _analyze(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("ANALYZE"))


async def add_outbox(database_url: str, seeded: Seeded, *, rows: int, channels: int) -> list[str]:
    """`rows` pause notices spread evenly over `channels` channels; returns the channel ids."""
    channel_ids = [f"C0BENCH{n:03d}" for n in range(channels)]
    engine = create_engine(database_url)
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    now = dt.datetime.now(dt.UTC)
    cycle = itertools.cycle(channel_ids)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(table),
                [
                    {
                        "workspace_id": seeded.workspace_id,
                        "dedup_key": f"bench:{n}",
                        "kind": "project_paused",
                        "channel_id": next(cycle),
                        "payload": {
                            "project_id": seeded.project_ids[0],
                            "actor": "U0ALICE01",
                            "primary": True,
                        },
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                        "next_attempt_at": now,
                        "event": "paused",
                    }
                    for n in range(rows)
                ],
            )
    finally:
        await engine.dispose()
    return channel_ids
