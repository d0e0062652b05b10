"""Project link names are unique per workspace, ignoring case; the migration numbers old twins."""

from __future__ import annotations

from asyncio import to_thread
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import create_engine
from storage.migrate import upgrade
from storage.sql import is_unique_violation
from tests.factories import make_project, make_workspace


async def test_two_names_differing_only_in_case_are_refused_by_the_database(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        await make_project(session, workspace=workspace, link_name="Summer Launch")
    with pytest.raises(IntegrityError) as refused:
        async with sessions.begin() as session:
            await make_project(session, workspace=workspace, link_name="summer launch")
    assert is_unique_violation(refused.value)


async def test_the_migration_numbers_names_that_clashed_before_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await to_thread(upgrade, url, "0005")
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO workspaces (team_id, enterprise_id, name, created_at) VALUES ('T1', '', '', '2026-01-01')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO brand_profiles (workspace_id, name, website, contact_email, domain, created_by, created_at, updated_at) VALUES (1, 'B', 'https://b.com', 'a@b.com', 'b.com', '', '2026-01-01', '2026-01-01')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO anchors (workspace_id, kind, name, country, created_by, created_at) VALUES (1, 'webpage', 'A', 'US', '', '2026-01-01')"
            )
        )
        for index, name in enumerate(["Summer Launch", "summer launch", " Summer launch "]):
            await connection.execute(
                text(
                    "INSERT INTO lite_projects (workspace_id, brand_id, authorization_days, anchor_id, invite_token, "
                    "active, created_by, created_at, updated_at, link_name, description, deliverable, requirements, "
                    "contact, channel_id) VALUES (1, 1, 30, 1, :token, 1, 'U1', '2026-01-01', '2026-01-01', :name, "
                    "'', '', '', '', 'C1')"
                ),
                {"token": f"t{index}", "name": name},
            )
    await engine.dispose()

    await to_thread(upgrade, url)

    engine = create_engine(url)
    async with engine.connect() as connection:
        names = (
            (await connection.execute(text("SELECT link_name FROM lite_projects ORDER BY id")))
            .scalars()
            .all()
        )
    await engine.dispose()
    assert names == ["Summer Launch", "summer launch (2)", "Summer launch (3)"]
