"""Pause, resume, archive and restore by a typed name or a button's id, and the data the project
modals need: one service call each, against the real database."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import history, projects
from bot.services.errors import Conflict, Forbidden, NotFound
from bot.services.projects import AmbiguousProject
from bot.services.workspaces import Actor
from storage.models import AuditEvent, LiteProject
from tests.factories import (
    make_ads_account,
    make_anchor,
    make_brand,
    make_project,
    make_workspace,
    new_project,
    rows,
)
from tests.harness.fake_slack import TEAM_ID
from tests.harness.slack_requests import USER_ID

OWNER = Actor(team_id=TEAM_ID, user_id=USER_ID)
SOMEONE_ELSE = Actor(team_id=TEAM_ID, user_id="U0BOB0002")


async def two_projects(sessions: async_sessionmaker[AsyncSession]) -> tuple[LiteProject, LiteProject]:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        glow = await make_project(session, workspace=workspace, link_name="Summer glow")
        glowing = await make_project(session, workspace=workspace, link_name="Summer glowing")
    return glow, glowing


async def actions(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, int]]:
    return [(event.action, event.target_id) for event in await rows(sessions, AuditEvent)]


async def test_a_pause_by_name_changes_the_project_of_that_exact_name(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    glow, _ = await two_projects(sessions)

    async with sessions.begin() as session:
        change = await projects.set_invite_link_active(
            session, actor=OWNER, name="  “summer GLOW” ", active=False
        )

    assert change.changed and change.project.id == glow.id and not change.project.active
    assert await actions(sessions) == [("project.paused", glow.id)]


async def test_a_pause_by_an_ambiguous_prefix_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await two_projects(sessions)

    with pytest.raises(AmbiguousProject):
        async with sessions.begin() as session:
            await projects.set_invite_link_active(session, actor=OWNER, name="summer", active=False)

    assert await actions(sessions) == []


async def test_resume_by_id_and_by_name_are_the_same_change(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    glow, _ = await two_projects(sessions)
    assert glow.id is not None

    async with sessions.begin() as session:
        await projects.set_invite_link_active(session, actor=OWNER, project_id=glow.id, active=False)
    async with sessions.begin() as session:
        resumed = await projects.set_invite_link_active(session, actor=OWNER, name="summer glow", active=True)
    async with sessions.begin() as session:
        again = await projects.set_invite_link_active(session, actor=OWNER, project_id=glow.id, active=True)

    assert (resumed.changed, again.changed) == (True, False)
    assert await actions(sessions) == [("project.paused", glow.id), ("project.resumed", glow.id)]


async def test_an_id_that_is_no_number_or_of_another_workspace_is_not_found(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        theirs = await make_project(session, workspace=await make_workspace(session, team_id="T0OTHER01"))
    assert theirs.id is not None

    for project_id in (theirs.id, -1, None):
        with pytest.raises(NotFound):
            async with sessions.begin() as session:
                await projects.set_invite_link_active(
                    session, actor=OWNER, project_id=project_id, active=False
                )
    assert await actions(sessions) == []


async def test_archive_and_restore_by_name(sessions: async_sessionmaker[AsyncSession]) -> None:
    glow, _ = await two_projects(sessions)

    async with sessions.begin() as session:
        archived = await projects.archive_project(session, actor=OWNER, name="summer glow")
    with pytest.raises(Conflict):  # an archived project can't be resumed before it is restored
        async with sessions.begin() as session:
            await projects.set_invite_link_active(session, actor=OWNER, name="summer glow", active=True)
    async with sessions.begin() as session:
        restored = await projects.restore_project(session, actor=OWNER, name="summer glow")

    assert archived.changed and archived.project.archived_at is not None
    assert archived.project.updated_at == archived.project.archived_at
    assert restored.changed and restored.project.archived_at is None and not restored.project.active
    assert await actions(sessions) == [("project.archived", glow.id), ("project.restored", glow.id)]


async def test_someone_else_may_not_pause_by_name(sessions: async_sessionmaker[AsyncSession]) -> None:
    await two_projects(sessions)

    with pytest.raises(Forbidden):
        async with sessions.begin() as session:
            await projects.set_invite_link_active(
                session, actor=SOMEONE_ELSE, name="summer glow", active=False
            )

    assert await actions(sessions) == []


async def test_the_create_modal_offers_only_the_workspaces_own_assets(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        ours, theirs = await make_workspace(session), await make_workspace(session, team_id="T0OTHER01")
        for workspace in (ours, theirs):
            await make_brand(session, workspace=workspace, name=f"Brand {workspace.team_id}")
            await make_anchor(session, workspace=workspace)
            await make_ads_account(session, workspace=workspace)

    async with sessions() as session:
        choices = await projects.asset_choices(session, actor=OWNER)

    assert [brand.name for brand in choices.brands] == [f"Brand {TEAM_ID}"]
    workspaces = [
        row.workspace_id for rows in (choices.brands, choices.anchors, choices.accounts) for row in rows
    ]
    assert workspaces == [ours.id] * 3


async def test_the_manage_form_says_whether_the_person_may_change_the_project(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    async with sessions.begin() as session:
        account = await make_ads_account(session, workspace=await make_workspace(session))

    async with sessions() as session:
        owners = await projects.manage_form(session, actor=OWNER, project=project)
        others = await projects.manage_form(session, actor=SOMEONE_ELSE, project=project)

    assert (owners.allowed, others.allowed) == (True, False)
    assert account.id in {row.id for row in owners.accounts}  # every account, to choose from
    assert owners.overview.project.id == project.id


async def test_account_names_are_those_the_snapshots_mention(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        kept = await make_ads_account(session, workspace=workspace, display_name="Main account")
        await make_ads_account(session, workspace=workspace, display_name="Unmentioned")
    assert kept.id is not None and workspace.id is not None

    async with sessions() as session:
        names = await projects.account_names(
            session,
            workspace_id=workspace.id,
            snapshots=[{"ads_account_ids": [kept.id, 999_999]}, None, {"link_name": "New"}],
        )
        none = await projects.account_names(session, workspace_id=workspace.id, snapshots=[{}, None])

    assert (names, none) == ({kept.id: "Main account"}, {})


async def test_history_by_name_is_that_of_the_project_of_that_name(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    glow, glowing = await two_projects(sessions)
    for project in (glow, glowing):
        assert project.id is not None
        async with sessions.begin() as session:
            await projects.set_invite_link_active(session, actor=OWNER, project_id=project.id, active=False)

    async with sessions() as session:
        page = await history.project_history(session, actor=OWNER, name="summer glow")

    assert page.project.id == glow.id
    assert [(event.action, event.target_id) for event in page.events] == [("project.paused", glow.id)]
