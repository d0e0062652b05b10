"""The lite project rules, tested on the services directly against a real SQLite file."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from functools import partial

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services import home_views, projects
from bot.services.errors import InvalidInput, NotFound
from bot.services.projects import AmbiguousProject, ProjectDraft
from bot.services.workspaces import Actor, known_workspace_id
from storage.models import AuditEvent, LiteProject, OutboxMessage, ProjectAdsAccount, Workspace
from storage.writer import GroupCommitWriter, Writer, writer_for
from tests.factories import make_ads_account, make_anchor, make_brand, make_project, make_workspace, rows
from tests.harness.fake_slack import TEAM_ID

ALICE = Actor(team_id=TEAM_ID, user_id="U0ALICE01")
TODAY = dt.date(2026, 6, 1)


async def draft_with_assets(session: AsyncSession, **overrides: object) -> ProjectDraft:
    workspace = await make_workspace(session)
    brand = await make_brand(session, workspace=workspace)
    anchor = await make_anchor(session, workspace=workspace)
    account = await make_ads_account(session, workspace=workspace)
    values: dict[str, object] = {
        "link_name": "Summer glow",
        "brand": brand.id,
        "authorization_days": 60,
        "anchor": anchor.id,
        "ads_accounts": [account.id],
        "description": "Serum",
        "deadline": "2026-07-01",
        "contact": "+1 555 010 0199",
        "channel": "C0PROJECTS",
        **overrides,
    }
    return ProjectDraft(**values)  # type: ignore[arg-type]


async def test_create_writes_project_audit_and_card_notice_together(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        draft = await draft_with_assets(session)
        project = await projects.create_project(session, actor=ALICE, draft=draft, today=TODAY)

    (audit,) = await rows(sessions, AuditEvent)
    (notice,) = await rows(sessions, OutboxMessage)
    assert project.active is True and project.created_by == "U0ALICE01"
    assert audit.after is not None
    assert audit.after["authorization_days"] == 60 and audit.after["contact"] == "+1 555 010 0199"
    assert (notice.kind, notice.channel_id, notice.payload) == (
        "project_card",
        "C0PROJECTS",
        {"project_id": project.id, "primary": True},
    )


@pytest.fixture
async def writer(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Writer]:
    engine = sessions.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    writer = writer_for(engine)
    yield writer
    await writer.close()


async def create_through(
    writer: Writer, sessions: async_sessionmaker[AsyncSession]
) -> tuple[ProjectDraft, LiteProject]:
    """A draft and the project `projects.create` made of it, as the Create modal makes one."""
    async with sessions.begin() as session:
        draft = await draft_with_assets(session)
    created = await projects.create(writer, actor=ALICE, draft=draft, today=TODAY)
    return draft, created.project


async def test_create_through_the_writer_commits_project_links_audit_and_card_at_once(
    sessions: async_sessionmaker[AsyncSession], writer: Writer
) -> None:
    draft, project = await create_through(writer, sessions)

    (stored,) = await rows(sessions, LiteProject)
    (audit,) = await rows(sessions, AuditEvent)
    (card,) = await rows(sessions, OutboxMessage)
    links = await rows(sessions, ProjectAdsAccount)
    assert (stored.id, stored.invite_token, stored.link_name) == (
        project.id,
        project.invite_token,
        "Summer glow",
    )
    assert (audit.action, audit.target_id) == ("project.created", project.id)
    assert card.dedup_key == f"project-card:{project.id}:audit-{audit.id}"
    assert [link.ads_account_id for link in links] == draft.ads_accounts
    if isinstance(writer, GroupCommitWriter):
        assert writer.batches == 1  # one transaction: nothing of it is ever half-written


async def test_a_name_taken_after_the_check_is_the_same_inline_error_and_stores_nothing(
    sessions: async_sessionmaker[AsyncSession], writer: Writer
) -> None:
    draft, first = await create_through(writer, sessions)
    # a twin checked before `first` was stored: only the unique index sees the clash
    twin = LiteProject(**{**first.model_dump(exclude={"id"}), "invite_token": projects.new_invite_token()})

    with pytest.raises(InvalidInput) as raised:
        await writer.run(
            partial(projects.store_new_project, project=twin, ads_account_ids=draft.ads_accounts)
        )

    assert list(raised.value.errors) == ["link_name"]
    assert "already a project called" in raised.value.errors["link_name"]
    assert [project.id for project in await rows(sessions, LiteProject)] == [first.id]
    assert len(await rows(sessions, AuditEvent)) == 1
    assert len(await rows(sessions, ProjectAdsAccount)) == 1


async def test_a_refused_create_of_a_workspace_never_seen_stores_nothing_not_even_its_row(
    sessions: async_sessionmaker[AsyncSession], writer: Writer
) -> None:
    newcomer = Actor(team_id="T0NEWCOMER", user_id="U0BOB0001")
    draft = ProjectDraft(link_name="Summer glow", brand=1, authorization_days=30, anchor=1, ads_accounts=[1])

    with pytest.raises(InvalidInput) as raised:
        await projects.create(writer, actor=newcomer, draft=draft, today=TODAY)

    # the workspace row was made on first use, in the unit, and undone with it
    assert {"brand", "anchor", "ads_accounts"} <= set(raised.value.errors)
    assert await rows(sessions, Workspace) == []
    assert await rows(sessions, LiteProject) == []
    assert known_workspace_id(writer.engine.sync_engine, newcomer) is None


async def test_the_first_create_reads_the_workspace_and_later_ones_remember_it(
    sessions: async_sessionmaker[AsyncSession], writer: Writer
) -> None:
    draft, first = await create_through(writer, sessions)
    (workspace,) = await rows(sessions, Workspace)
    assert first.workspace_id == workspace.id
    assert known_workspace_id(writer.engine.sync_engine, ALICE) == workspace.id

    second = await projects.create(
        writer, actor=ALICE, draft=replace(draft, link_name="Winter glow"), today=TODAY
    )

    assert second.workspace is None  # its id came from memory: the unit read no workspace
    assert second.project.workspace_id == workspace.id
    assert len(await rows(sessions, LiteProject)) == 2


async def create_refused(
    writer: Writer, sessions: async_sessionmaker[AsyncSession], draft: projects.ProjectDraft, *, through: str
) -> None:
    """Create `draft` through the Create modal's writer path or a caller's session (both refuse it)."""
    if through == "writer":
        await projects.create(writer, actor=ALICE, draft=draft, today=TODAY)
    else:
        async with sessions.begin() as session:
            await projects.create_project(session, actor=ALICE, draft=draft, today=TODAY)


@pytest.mark.parametrize("through", ["writer", "session"])
async def test_every_problem_of_a_draft_is_told_at_once_in_the_modals_order(
    sessions: async_sessionmaker[AsyncSession], writer: Writer, through: str
) -> None:
    valid, first = await create_through(writer, sessions)
    draft = replace(valid, contact="someone", brand=999, ads_accounts=[], link_name="  SUMMER GLOW ")

    with pytest.raises(InvalidInput) as raised:
        await create_refused(writer, sessions, draft, through=through)

    assert list(raised.value.errors) == ["contact", "brand", "ads_accounts", "link_name"]
    assert "already a project called “Summer glow”" in raised.value.errors["link_name"]
    assert [project.id for project in await rows(sessions, LiteProject)] == [first.id]
    assert len(await rows(sessions, AuditEvent)) == 1


@pytest.mark.parametrize("through", ["writer", "session"])
async def test_a_name_an_archived_project_holds_says_where_to_find_it(
    sessions: async_sessionmaker[AsyncSession], writer: Writer, through: str
) -> None:
    valid, first = await create_through(writer, sessions)
    async with sessions.begin() as session:
        archived = await session.get(LiteProject, first.id)
        assert archived is not None
        archived.archived_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    draft = replace(valid, link_name="summer GLOW")

    with pytest.raises(InvalidInput) as raised:
        await create_refused(writer, sessions, draft, through=through)

    assert raised.value.errors == {
        "link_name": "There is already a project called “Summer glow” (archived: `/liteproject archived` "
        "shows it) in this workspace, and names ignore case; choose another name, so each project can "
        "be found by its name."
    }


async def test_create_tells_whether_the_actors_home_may_be_open(
    sessions: async_sessionmaker[AsyncSession], writer: Writer
) -> None:
    draft, _first = await create_through(writer, sessions)
    unseen = await projects.create(
        writer, actor=ALICE, draft=replace(draft, link_name="Autumn glow"), today=TODAY
    )
    async with sessions.begin() as session:
        await home_views.record_open(session, actor=ALICE)

    seen = await projects.create(
        writer, actor=ALICE, draft=replace(draft, link_name="Winter glow"), today=TODAY
    )

    assert (unseen.home_may_be_open, seen.home_may_be_open) == (False, True)


async def test_invite_tokens_are_long_random_and_unrelated_to_ids(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    tokens = set()
    async with sessions.begin() as session:
        for number in range(20):
            draft = await draft_with_assets(session, link_name=f"Summer glow {number}")
            project = await projects.create_project(session, actor=ALICE, draft=draft, today=TODAY)
            tokens.add(project.invite_token)

    assert len(tokens) == 20
    # consecutive projects share no prefix a guesser could walk
    assert len({token[:4] for token in tokens}) == 20
    assert all(len(token) == 32 and token.replace("-", "").replace("_", "").isalnum() for token in tokens)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("link_name", "x" * 101, "keep it to 100"),
        ("authorization_days", 90, "7, 30, 60 or 365"),
        ("deadline", "2026-05-31", "in the past"),
        ("deadline", "not a date", "Pick a date"),
        ("contact", "someone", "email"),
        ("channel", "U0NOTACHANNEL", "channel"),
        ("ads_accounts", [], "at least one"),
        ("ads_accounts", [999], "no longer exists"),
        ("anchor", 999, "anchors"),
    ],
)
async def test_invalid_drafts_name_the_field_and_store_nothing(
    sessions: async_sessionmaker[AsyncSession], field: str, value: object, message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        async with sessions.begin() as session:
            draft = await draft_with_assets(session, **{field: value})
            await projects.create_project(session, actor=ALICE, draft=draft, today=TODAY)

    assert list(raised.value.errors) == [field]
    assert message in raised.value.errors[field]
    assert await rows(sessions, LiteProject) == []


@pytest.mark.parametrize("field", ["brand", "authorization_days", "anchor"])
async def test_brand_period_and_anchor_are_fixed_after_creation(
    sessions: async_sessionmaker[AsyncSession], field: str
) -> None:
    async with sessions.begin() as session:
        project = await make_project(session)

    with pytest.raises(InvalidInput) as raised:
        async with sessions.begin() as session:
            await projects.edit_project(session, actor=ALICE, project_id=project.id, changes={field: 1})  # type: ignore[arg-type]

    assert "can't be changed after creation" in raised.value.errors[field]


async def test_update_writes_only_what_changed(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        project = await make_project(session, link_name="Old name")

    async with sessions.begin() as session:
        await projects.edit_project(
            session,
            actor=ALICE,
            project_id=project.id,  # type: ignore[arg-type]
            changes={"link_name": "New name", "description": project.description},
        )
    async with sessions.begin() as session:
        # the same values again: no audit event, no notice
        await projects.edit_project(
            session,
            actor=ALICE,
            project_id=project.id,  # type: ignore[arg-type]
            changes={"link_name": "New name"},
        )

    (audit,) = await rows(sessions, AuditEvent)
    kinds = sorted(message.kind for message in await rows(sessions, OutboxMessage))
    assert kinds == ["project_card", "project_updated"]  # the card, and one note in words
    assert (audit.before, audit.after) == ({"link_name": "Old name"}, {"link_name": "New name"})


async def test_moving_the_channel_posts_a_new_card_there(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        project = await make_project(session)
        project.card_channel_id, project.card_ts = project.channel_id, "1.1"

    async with sessions.begin() as session:
        moved = (
            await projects.edit_project(
                session,
                actor=ALICE,
                project_id=project.id,  # type: ignore[arg-type]
                changes={"channel": "C0NEWCHAN"},
            )
        ).project

    assert (moved.channel_id, moved.card_ts, moved.card_channel_id) == ("C0NEWCHAN", None, None)


async def test_pausing_twice_changes_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        project = await make_project(session)

    results = []
    for _ in range(2):
        async with sessions.begin() as session:
            results.append(
                await projects.set_invite_link_active(
                    session,
                    actor=ALICE,
                    project_id=project.id,
                    active=False,
                )
            )

    assert [result.changed for result in results] == [True, False]
    kinds = sorted(message.kind for message in await rows(sessions, OutboxMessage))
    (audit,) = await rows(sessions, AuditEvent)
    assert kinds == ["project_card", "project_paused"]
    assert (audit.action, audit.before, audit.after) == (
        "project.paused",
        {"active": True},
        {"active": False},
    )


async def test_projects_of_another_workspace_are_not_found(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        theirs = await make_project(session, workspace=other, link_name="Theirs")

    async with sessions() as session:
        with pytest.raises(NotFound):
            await projects.get_project(session, actor=ALICE, project_id=theirs.id)
        with pytest.raises(NotFound):
            await projects.find_project(session, actor=ALICE, name="Theirs")
    with pytest.raises(NotFound):
        async with sessions.begin() as session:
            await projects.set_invite_link_active(session, actor=ALICE, project_id=theirs.id, active=False)


async def test_find_by_exact_name_or_unique_prefix(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        await make_project(session, workspace=workspace, link_name="Glow")
        await make_project(session, workspace=workspace, link_name="Glow up 100%")
        await make_project(session, workspace=workspace, link_name="Winter")

    async with sessions() as session:
        assert (await projects.find_project(session, actor=ALICE, name="glow")).link_name == "Glow"
        assert (await projects.find_project(session, actor=ALICE, name="GLOW UP")).link_name == "Glow up 100%"
        assert (await projects.find_project(session, actor=ALICE, name="win")).link_name == "Winter"
        with pytest.raises(AmbiguousProject) as raised:
            await projects.find_project(session, actor=ALICE, name="gl")
        assert {p.link_name for p in raised.value.candidates} == {"Glow", "Glow up 100%"}
        with pytest.raises(NotFound):
            await projects.find_project(session, actor=ALICE, name="glow_")  # LIKE wildcards are literal


@pytest.mark.parametrize(
    "channel", ["C<!channel>", "c0lowercase", "C0", "#general", "C0PROJECTS\n", "U0ALICE01"]
)
def test_channel_ids_must_have_slacks_form(channel: str) -> None:
    from bot.services.projects import _clean_channel
    from bot.services.validation import FieldError

    with pytest.raises(FieldError):
        _clean_channel(channel)
    assert _clean_channel("C0PROJECTS") == "C0PROJECTS"
    assert _clean_channel("G01ABCDEF9") == "G01ABCDEF9"
