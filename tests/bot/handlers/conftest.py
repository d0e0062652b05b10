"""Fixtures shared by the handler tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from storage import projects as project_queries
from storage.models import LiteProject
from tests.factories import make_ads_account, make_anchor, make_project, make_video, make_workspace
from tests.harness.fake_slack import FakeSlack
from tests.harness.server import RunningServer, start_server


@pytest.fixture
async def spare_and_used(server: RunningServer) -> dict[str, Any]:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        spare_account = await make_ads_account(session, workspace=workspace, display_name="Spare")
        spare_anchor = await make_anchor(session, workspace=workspace, name="Old page")
        project = await make_project(session, workspace=workspace, link_name="Summer glow")
        used_accounts = await project_queries.project_ads_account_ids(session, project_id=project.id)  # type: ignore[arg-type]
    return {
        "spare_account": spare_account,
        "spare_anchor": spare_anchor,
        "used_account": used_accounts[0],
        "used_anchor": project.anchor_id,
    }


@pytest.fixture
async def project(server: RunningServer) -> LiteProject:
    """Summer glow, with a video, next to Winter in the same workspace."""
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        project = await make_project(session, workspace=workspace, link_name="Summer glow")
        await make_video(session, project=project)
        await make_project(session, workspace=workspace, link_name="Winter")
    return project


@pytest.fixture
async def linking_server(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[RunningServer]:
    running = await start_server(fake_slack, database_url, linking_requests_enabled=True)
    yield running
    await running.stop()
