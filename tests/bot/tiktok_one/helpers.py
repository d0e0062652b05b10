"""Helpers for TikTok One tests: a connected workspace, waiting for jobs to land."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlmodel import select

from storage.models import LiteProject, TikTokConnectionKind, Workspace
from tests.factories import make_connection
from tests.harness.fake_tiktok_one import FakeTikTokOne
from tests.harness.server import RunningServer

TOKEN = "act.tiktok-one-connected-0001"
T = TypeVar("T")


async def connect_tiktok_one(server: RunningServer, fake: FakeTikTokOne) -> None:
    """The workspace connected to TikTok One (the OAuth flow itself is tested in test_connect)."""
    fake.business.add_token(TOKEN, [])
    async with server.sessions.begin() as session:
        workspace = (await session.execute(select(Workspace))).scalars().one()
        assert workspace.id is not None
        await make_connection(
            session,
            settings=server.settings,
            workspace_id=workspace.id,
            kind=TikTokConnectionKind.TIKTOK_ONE,
            access_token=TOKEN,
            account_ids=list(fake.accounts),
        )


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float = 10.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("the condition never held")
        await asyncio.sleep(0.05)


async def the_project(server: RunningServer) -> LiteProject:
    async with server.sessions() as session:
        return (await session.execute(select(LiteProject))).scalars().one()


async def synced_project(server: RunningServer) -> LiteProject:
    async def linked() -> LiteProject | None:
        project = await the_project(server)
        return project if project.tto_invite_link else None

    return await eventually(linked)
