"""Lite projects: create, find, edit details, pause and resume the invite link.

TikTok One's rules live here: brand, ad authorization period and anchor are fixed at creation;
the invite link's token is unguessable and never derived from ids; every change writes its audit
event and its notices in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n
from bot.services import home_views, listing, tiktok_one_sync
from bot.services.audit import changed_only, record_event, record_event_in_unit
from bot.services.errors import Conflict, InvalidInput, NotFound
from bot.services.notices import NoticeKind, queue_card_refresh, queue_created_notices_in_unit, queue_notice
from bot.services.permissions import may_manage, require_admin, require_manager
from bot.services.validation import FieldError, clean_contact, clean_deadline, clean_text, is_channel_id
from bot.services.workspaces import Actor, known_workspace_id, remember_workspace, workspace_id_of
from storage import assets as asset_queries
from storage import outbox as outbox_queries
from storage import projects as project_queries
from storage import workspaces as workspace_queries
from storage.models import (
    AdsAccount,
    Anchor,
    AuthorizationPeriod,
    BrandProfile,
    LiteProject,
    Workspace,
    unit_row,
    utcnow,
)
from storage.projects import VideoCounts
from storage.sql import is_unique_violation
from storage.writer import Writer

AUTHORIZATION_PERIODS = tuple(period.value for period in AuthorizationPeriod)
# what a change to a project's state does, as its audit event keeps it: (before, after)
Sides = tuple[dict[str, Any], dict[str, Any]]
IMMUTABLE_FIELDS = {"brand": "brand", "authorization_days": "ad authorization period", "anchor": "anchor"}
CHANNEL_ID_PREFIXES = ("C", "G")
AUTOMATIC_LANGUAGE = "auto"  # the Creator language option "each creator's phone decides"
# the longest each free-text field may be: the modal's input limit and the check, one rule
MAX_LENGTHS = {"link_name": 100, "description": 3000, "deliverable": 1000, "requirements": 2000}
TOKEN_BYTES = 24  # 192 bits: invite links and linking-request links alike


def new_invite_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def invite_url(public_base_url: str, project: LiteProject) -> str:
    """The link creators deliver through: TikTok One's own for a project made there."""
    if project.tto_invite_link:
        return project.tto_invite_link
    return f"{public_base_url}/i/{project.invite_token}"


def syncing_with_tiktok_one(project: LiteProject) -> bool:
    """Made in a connected workspace, and TikTok One hasn't given its invite link yet."""
    return project.tto_account_id is not None and not project.tto_invite_link


@dataclass
class ProjectDraft:
    """What the create modal collects; field names are the modal's block ids."""

    link_name: str | None = None
    brand: int | None = None
    authorization_days: int | None = None
    anchor: int | None = None
    ads_accounts: list[int] = field(default_factory=list)
    description: str | None = None
    deliverable: str | None = None
    requirements: str | None = None
    deadline: str | dt.date | None = None
    contact: str | None = None
    channel: str | None = None
    creator_language: str | None = None


@dataclass(frozen=True)
class ProjectOverview:
    project: LiteProject
    brand: BrandProfile
    anchor: Anchor
    accounts: Sequence[AdsAccount]
    counts: VideoCounts
    managers: Sequence[str] = ()


def snapshot(project: LiteProject, ads_account_ids: Sequence[int]) -> dict[str, Any]:
    """The project's fields as the audit log keeps them."""
    return {
        "link_name": project.link_name,
        "brand_id": project.brand_id,
        "authorization_days": project.authorization_days,
        "anchor_id": project.anchor_id,
        "description": project.description,
        "deliverable": project.deliverable,
        "requirements": project.requirements,
        "deadline": project.deadline.isoformat() if project.deadline else None,
        "contact": project.contact,
        "channel_id": project.channel_id,
        "creator_language": project.creator_language,
        "ads_account_ids": list(ads_account_ids),
        "active": project.active,
    }


# --- create -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    """What a create made: the project (no session's), and whether the actor may have their App
    Home open, asked in the same unit so the answer needs no session of its own."""

    project: LiteProject
    home_may_be_open: bool
    workspace: Workspace | None  # the actor's as the unit read or made it; None if given its id


async def create(
    writer: Writer, *, actor: Actor, draft: ProjectDraft, today: dt.date | None = None
) -> Created:
    """`create_project` for the Create modal: the pure checks here, then one write unit of the
    writer that reads what the checks need, checks and writes (committed with other requests' on
    SQLite; a refusal keeps nothing of it, the workspace row made on first use included)."""
    bind = writer.engine.sync_engine  # what sessions of this engine remember workspaces by
    errors: dict[str, str] = {}
    values = _clean_editable(draft, errors, today=today or utcnow().date())
    workspace_id = known_workspace_id(bind, actor)
    unit = partial(
        create_in_unit, actor=actor, workspace_id=workspace_id, draft=draft, values=values, errors=errors
    )
    created = await writer.run(unit)
    if created.workspace is not None:  # committed now: later creates need not read it
        remember_workspace(bind, actor, created.workspace)
    listing.changed_now(writer.engine, workspace_id=created.project.workspace_id)
    return created


async def create_project(
    session: AsyncSession, *, actor: Actor, draft: ProjectDraft, today: dt.date | None = None
) -> LiteProject:
    """Create a project, with its ads accounts, audit event, card and notices, in the caller's
    transaction: the same checks and write unit as `create`. Bad fields: InvalidInput by field."""
    errors: dict[str, str] = {}
    values = _clean_editable(draft, errors, today=today or utcnow().date())
    workspace_id = await workspace_id_of(session, actor)
    unit = partial(
        create_in_unit, actor=actor, workspace_id=workspace_id, draft=draft, values=values, errors=errors
    )
    connection = await session.connection()
    async with session.begin_nested():  # a refusal undoes what the unit wrote, as in the writer
        created = await connection.run_sync(unit)
    listing.changed(session, workspace_id=workspace_id)
    project = await session.get(LiteProject, created.project.id)
    assert project is not None
    return project


def create_in_unit(
    connection: Connection,
    *,
    actor: Actor,
    workspace_id: int | None,
    draft: ProjectDraft,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
) -> Created:
    """The write unit of a create (see `storage.writer`), and the one place of its rules: the
    `draft`, whose editable fields are already cleaned into `values` (their problems in `errors`),
    checked against the workspace (InvalidInput by field, with every problem of the draft), then
    stored by `store_new_project`. `workspace_id` None: the actor's workspace is read, or made on
    first use."""
    workspace = (
        workspace_queries.workspace_in_unit(
            connection, team_id=actor.team_id, enterprise_id=actor.enterprise_id
        )
        if workspace_id is None
        else None
    )
    if workspace is not None:
        assert workspace.id is not None
        workspace_id = workspace.id
    assert workspace_id is not None
    problems = dict(errors)
    account_ids = sorted(set(draft.ads_accounts))
    found = project_queries.create_checks(
        connection,
        workspace_id=workspace_id,
        # what is fixed at creation: each must be one of the workspace's own (an id of 0 matches none)
        brand_id=draft.brand or 0,
        anchor_id=draft.anchor or 0,
        ads_account_ids=account_ids,
        link_name=values.get("link_name") or "",
        user_id=actor.user_id,
        home_opened_since=home_views.fresh_since(),
    )
    fixed = {
        "brand": (found.brand_found, "Choose one of your brand profiles."),
        "authorization_days": (
            draft.authorization_days in AUTHORIZATION_PERIODS,
            "Choose 7, 30, 60 or 365 days.",
        ),
        "anchor": (found.anchor_found, "Choose one of your anchors."),
    }
    problems.update({name: problem for name, (chosen, problem) in fixed.items() if not chosen})
    if not account_ids:
        problems["ads_accounts"] = "Choose at least one TikTok Ads Manager account."
    elif found.ads_accounts_found != len(account_ids):
        problems["ads_accounts"] = "One of these accounts no longer exists; choose again."
    if "link_name" in values and found.name_holder is not None:
        problems["link_name"] = _name_taken(found.name_holder, archived=found.name_holder_archived)
    if problems:
        raise InvalidInput(problems)

    project = unit_row(
        LiteProject,
        {
            "workspace_id": workspace_id,
            "brand_id": draft.brand,
            "authorization_days": draft.authorization_days,
            "anchor_id": draft.anchor,
            "invite_token": new_invite_token(),
            "created_by": actor.user_id,
            "link_name": values["link_name"],
            "description": values["description"],
            "deliverable": values["deliverable"],
            "requirements": values["requirements"],
            "deadline": values["deadline"],
            "contact": values["contact"],
            "channel_id": values["channel_id"],
            "creator_language": values["creator_language"],
            # made in TikTok One too when the workspace is connected (a job, queued with the project)
            "tto_account_id": tiktok_one_sync.account_for_new_projects(
                found.tiktok_one_status, found.tiktok_one_accounts
            ),
        },
    )
    store_new_project(connection, project=project, ads_account_ids=draft.ads_accounts)
    return Created(project=project, home_may_be_open=found.home_opened, workspace=workspace)


def store_new_project(
    connection: Connection, *, project: LiteProject, ads_account_ids: Sequence[int]
) -> LiteProject:
    """The write unit of a create (see `storage.writer`): the checked `project`, its ads accounts,
    its audit event, its card and `created` notices, and its TikTok One job. A name taken meanwhile
    by a concurrent twin (the unique index) is the same inline error as the check's. The caller
    marks the listings stale."""
    try:
        project.id = project_queries.insert_project(connection, project=project)
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise InvalidInput({"link_name": _name_taken(project.link_name)}) from None
    project_queries.insert_project_ads_accounts(
        connection, project_id=project.id, ads_account_ids=ads_account_ids
    )
    event_id = record_event_in_unit(
        connection,
        project,
        actor=project.created_by,
        action="project.created",
        after=snapshot(project, sorted(set(ads_account_ids))),
    )
    tiktok_one_sync.on_project_created_in_unit(connection, project=project)
    queue_created_notices_in_unit(connection, project=project, reason=f"audit-{event_id}")
    return project


def _clean_editable(
    draft: ProjectDraft,
    errors: dict[str, str],
    *,
    today: dt.date,
    only: set[str] | None = None,
) -> dict[str, Any]:
    """Check the editable fields present in `only` (all when None); problems go into `errors`."""
    values: dict[str, Any] = {}
    for name, clean in FIELD_RULES.items():
        if only is not None and name not in only:
            continue
        try:
            values["channel_id" if name == "channel" else name] = clean(getattr(draft, name), today)
        except FieldError as exc:
            errors[name] = str(exc)
    return values


def _name_taken(name: str, *, archived: bool = False) -> str:
    where = " (archived: `/liteproject archived` shows it)" if archived else ""
    return (
        f"There is already a project called “{name}”{where} in this workspace, and names ignore case; "
        "choose another name, so each project can be found by its name."
    )


async def _check_name_free(
    session: AsyncSession,
    *,
    workspace_id: int,
    name: str,
    errors: dict[str, str],
    project_id: int | None = None,
) -> None:
    same = await project_queries.find_project_with_link_name(
        session, workspace_id=workspace_id, link_name=name
    )
    if same is not None and same.id != project_id:
        errors["link_name"] = _name_taken(same.link_name, archived=same.archived_at is not None)


async def _flush_name(session: AsyncSession, *, name: str) -> None:
    """Flush; the unique name index hit by a concurrent twin becomes the same inline error."""
    try:
        await session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise InvalidInput({"link_name": _name_taken(name)}) from None


def _clean_managers(value: Any, errors: dict[str, str]) -> list[str]:
    users = sorted({str(user) for user in value or []})
    if len(users) > 20 or any(not user.startswith(("U", "W")) or len(user) > 32 for user in users):
        errors["managers"] = "Choose up to 20 people as project managers."
    return users


def clean_creator_language(value: str | None) -> str:
    """A language with creator pages ("pt-BR"), or "" to let each creator's browser decide."""
    if not value or value == AUTOMATIC_LANGUAGE:
        return ""
    chosen = i18n.language(value)
    if chosen is None:
        raise FieldError("Choose one of the languages in the list.")
    return chosen.tag


def _clean_channel(channel: str | None) -> str:
    if not channel or not channel.startswith(CHANNEL_ID_PREFIXES) or not is_channel_id(channel):
        raise FieldError("Choose a channel for this project's notifications.")
    return channel


# the fields a person types or picks once (create and Edit details alike), each with its rule;
# the lists (Ads Manager accounts, managers) are checked against the workspace instead
FIELD_RULES: dict[str, Callable[[Any, dt.date], Any]] = {
    "link_name": lambda value, _: clean_text(
        value, label="Link name", max_length=MAX_LENGTHS["link_name"], required=True
    ),
    "description": lambda value, _: clean_text(
        value, label="Description", max_length=MAX_LENGTHS["description"]
    ),
    "deliverable": lambda value, _: clean_text(
        value, label="Deliverable", max_length=MAX_LENGTHS["deliverable"]
    ),
    "requirements": lambda value, _: clean_text(
        value, label="Key requirements", max_length=MAX_LENGTHS["requirements"]
    ),
    "deadline": lambda value, today: clean_deadline(value, today=today),
    "contact": lambda value, _: clean_contact(value),
    "channel": lambda value, _: _clean_channel(value),
    "creator_language": lambda value, _: clean_creator_language(value),
}
EDITABLE_FIELDS = (*FIELD_RULES, "ads_accounts", "managers")


async def _check_accounts(
    session: AsyncSession, *, workspace_id: int, ids: Sequence[int], errors: dict[str, str]
) -> None:
    if not ids:
        errors["ads_accounts"] = "Choose at least one TikTok Ads Manager account."
        return
    found = await asset_queries.get_ads_accounts(session, workspace_id=workspace_id, ids=list(set(ids)))
    if len(found) != len(set(ids)):
        errors["ads_accounts"] = "One of these accounts no longer exists; choose again."


# --- find -------------------------------------------------------------------------------------


class AmbiguousProject(NotFound):
    def __init__(self, name: str, candidates: Sequence[LiteProject]) -> None:
        names = ", ".join(f"“{project.link_name}”" for project in candidates)
        super().__init__(f"More than one project starts with “{name}”: {names}. Type more of the name.")
        self.candidates = list(candidates)


async def find_project(
    session: AsyncSession, *, actor: Actor, name: str, for_update: bool = False
) -> LiteProject:
    """By link name, case-insensitively, or by a prefix that only one project has.

    `for_update`: read with the row lock a change needs, so the change reads the project once.
    """
    name = name.strip().strip("“”\"'")
    if not name:
        raise NotFound(
            "Say which project, e.g. `/liteproject show Summer launch`. `/liteproject list` shows them."
        )
    workspace_id = await workspace_id_of(session, actor)
    matches = await project_queries.find_projects_by_name(
        session, workspace_id=workspace_id, name=name, for_update=for_update
    )
    exact = [project for project in matches if project.link_name.lower() == name.lower()]
    if len(exact) == 1:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AmbiguousProject(name, exact or matches)
    recent = await project_queries.list_projects(session, workspace_id=workspace_id, limit=5)
    hint = f" Recent projects: {', '.join(f'“{p.link_name}”' for p in recent)}." if recent else ""
    raise NotFound(f"No project is called “{name}”.{hint} `/liteproject list` shows them all.")


async def get_project(
    session: AsyncSession,
    *,
    actor: Actor,
    project_id: int | None = None,
    name: str | None = None,
    for_update: bool = False,
) -> LiteProject:
    """A project of the actor's workspace, by id (a button's value) or by name (typed).

    An id from another workspace is simply not found. `for_update` reads it with the row lock a
    change needs (FOR UPDATE serialises concurrent changes on PostgreSQL; SQLite has one writer),
    so the change reads the project once.
    """
    if name is not None:
        return await find_project(session, actor=actor, name=name, for_update=for_update)
    workspace_id = await workspace_id_of(session, actor)
    read = project_queries.get_project_for_update if for_update else project_queries.get_project
    project = await read(
        session, workspace_id=workspace_id, project_id=-1 if project_id is None else project_id
    )
    if project is None:
        raise NotFound("That project doesn't exist any more, or isn't in this workspace.")
    return project


async def overview(session: AsyncSession, *, project: LiteProject) -> ProjectOverview:
    assert project.id is not None
    brand = await asset_queries.get_brand(
        session, workspace_id=project.workspace_id, brand_id=project.brand_id
    )
    anchor = await asset_queries.get_anchor(
        session, workspace_id=project.workspace_id, anchor_id=project.anchor_id
    )
    ids = await project_queries.project_ads_account_ids(session, project_id=project.id)
    accounts = await asset_queries.get_ads_accounts(session, workspace_id=project.workspace_id, ids=ids)
    counts = (await project_queries.video_counts(session, project_ids=[project.id])).get(
        project.id, VideoCounts()
    )
    managers = await project_queries.project_manager_ids(session, project_id=project.id)
    assert brand is not None and anchor is not None
    return ProjectOverview(
        project=project, brand=brand, anchor=anchor, accounts=accounts, counts=counts, managers=managers
    )


@dataclass(frozen=True)
class AssetChoices:
    """What the create modal offers: the workspace's brands, anchors and Ads Manager accounts."""

    brands: Sequence[BrandProfile]
    anchors: Sequence[Anchor]
    accounts: Sequence[AdsAccount]


async def asset_choices(session: AsyncSession, *, actor: Actor) -> AssetChoices:
    workspace_id = await workspace_id_of(session, actor)
    return AssetChoices(
        brands=await asset_queries.list_brands(session, workspace_id=workspace_id),
        anchors=await asset_queries.list_anchors(session, workspace_id=workspace_id),
        accounts=await asset_queries.list_ads_accounts(session, workspace_id=workspace_id),
    )


@dataclass(frozen=True)
class ManageForm:
    """What Manage project link shows: the project, the accounts to choose from, and whether the
    person may change it (someone who may not sees it and whom to ask, not a form they can't save)."""

    overview: ProjectOverview
    accounts: Sequence[AdsAccount]
    allowed: bool


async def manage_form(session: AsyncSession, *, actor: Actor, project: LiteProject) -> ManageForm:
    return ManageForm(
        overview=await overview(session, project=project),
        accounts=await asset_queries.list_ads_accounts(session, workspace_id=project.workspace_id),
        allowed=await may_manage(session, actor=actor, project=project),
    )


async def account_names(
    session: AsyncSession, *, workspace_id: int, snapshots: Iterable[Mapping[str, Any] | None]
) -> dict[int, str]:
    """The names of the Ads Manager accounts that audit snapshots mention (`ads_account_ids`)."""
    ids = {account_id for side in snapshots for account_id in (side or {}).get("ads_account_ids") or []}
    if not ids:
        return {}
    accounts = await asset_queries.get_ads_accounts(session, workspace_id=workspace_id, ids=sorted(ids))
    return {account.id: account.display_name for account in accounts if account.id is not None}


@dataclass(frozen=True)
class ProjectPage:
    projects: Sequence[LiteProject]
    brands: dict[int, str]
    counts: dict[int, VideoCounts]
    total: int
    offset: int
    limit: int
    mine: bool = False  # only the projects the person owns or manages

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.projects) < self.total


async def list_projects(
    session: AsyncSession,
    *,
    actor: Actor,
    offset: int = 0,
    limit: int = 10,
    mine: bool = False,
    archived: bool = False,
) -> ProjectPage:
    """Live projects (or the archived ones), newest first; `mine`: those the actor owns or manages."""
    workspace_id = await workspace_id_of(session, actor)
    offset = max(0, offset)
    user_id = actor.user_id if mine else None
    projects = await project_queries.list_projects(
        session, workspace_id=workspace_id, offset=offset, limit=limit, archived=archived, user_id=user_id
    )
    brands = {
        brand.id: brand.name for brand in await asset_queries.list_brands(session, workspace_id=workspace_id)
    }
    counts = await project_queries.video_counts(
        session, project_ids=[p.id for p in projects if p.id is not None]
    )
    total = await project_queries.count_projects(
        session, workspace_id=workspace_id, archived=archived, user_id=user_id
    )
    return ProjectPage(projects, brands, counts, total, offset, limit, mine=mine)  # type: ignore[arg-type]


# --- edit -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectEdit:
    """A saved "Edit details": the project, and the fields that changed (before and after)."""

    project: LiteProject
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    accounts: dict[int, str] = field(default_factory=dict)  # names of the accounts before and after


async def edit_project(
    session: AsyncSession,
    *,
    actor: Actor,
    project_id: int,
    changes: dict[str, Any],
    today: dt.date | None = None,
) -> ProjectEdit:
    """Apply "Edit details". `changes` holds only fields the person submitted (modal block ids).

    A change to the brand, the ad authorization period or the anchor is refused here, whatever
    the modal showed: TikTok One fixes them at creation.
    """
    fixed = [name for name in changes if name in IMMUTABLE_FIELDS]
    if fixed:
        raise InvalidInput(
            {name: f"The {IMMUTABLE_FIELDS[name]} can't be changed after creation." for name in fixed}
        )
    unknown = [name for name in changes if name not in EDITABLE_FIELDS]
    if unknown:
        raise InvalidInput({name: "This field can't be edited." for name in unknown})

    project = await get_project(session, actor=actor, project_id=project_id, for_update=True)
    workspace_id = project.workspace_id
    assert project.id is not None
    await require_manager(session, actor=actor, project=project, action="edit")
    current_accounts = await project_queries.project_ads_account_ids(session, project_id=project.id)
    current_managers = await project_queries.project_manager_ids(session, project_id=project.id)
    before = {**snapshot(project, current_accounts), "managers": current_managers}

    errors: dict[str, str] = {}
    draft = ProjectDraft(**{k: v for k, v in changes.items() if k not in ("ads_accounts", "managers")})
    values = _clean_editable(draft, errors, today=today or utcnow().date(), only=set(changes))
    if "deadline" in values and values["deadline"] == project.deadline:
        values.pop("deadline")  # an unchanged past deadline is not an error
        errors.pop("deadline", None)
    new_accounts = sorted(set(changes.get("ads_accounts") or [])) if "ads_accounts" in changes else None
    if new_accounts is not None:
        await _check_accounts(session, workspace_id=workspace_id, ids=new_accounts, errors=errors)
    new_managers = _clean_managers(changes.get("managers"), errors) if "managers" in changes else None
    if "link_name" in values:
        await _check_name_free(
            session, workspace_id=workspace_id, name=values["link_name"], errors=errors, project_id=project.id
        )
    if errors:
        raise InvalidInput(errors)

    old_channel = project.channel_id
    for name, value in values.items():
        setattr(project, name, value)
    if new_accounts is not None:
        await project_queries.set_project_ads_accounts(
            session, project_id=project.id, ads_account_ids=new_accounts
        )
    if new_managers is not None:
        await project_queries.set_project_managers(session, project_id=project.id, user_ids=new_managers)
    after = {
        **snapshot(project, new_accounts if new_accounts is not None else current_accounts),
        "managers": new_managers if new_managers is not None else current_managers,
    }
    if after == before:
        return ProjectEdit(project)
    project.updated_at = utcnow()
    await _flush_name(session, name=project.link_name)
    old_card = (project.card_channel_id, project.card_ts)
    if project.channel_id != old_channel:
        # the card moves with the notifications: a new one is posted in the new channel
        project.card_channel_id = None
        project.card_ts = None
    changed_before, changed_after = changed_only(before, after)
    event = record_event(
        session,
        project,
        actor=actor.user_id,
        action="project.updated",
        before=changed_before,
        after=changed_after,
    )
    await session.flush()
    if {"link_name", "description", "ads_account_ids"} & set(changed_after):
        await tiktok_one_sync.on_project_edited(session, project=project, change=f"audit-{event.id}")
    await queue_card_refresh(session, project=project, reason=f"audit-{event.id}")
    # the change in words, in the card's thread (in the new channel when it moved)
    await queue_notice(
        session,
        project=project,
        kind=NoticeKind.PROJECT_UPDATED,
        dedup_key=f"project-updated:audit-{event.id}",
        actor=actor.user_id,
        before=changed_before,
        after=changed_after,
    )
    card_channel, card_ts = old_card
    if project.channel_id != old_channel and card_channel and card_ts:
        # the old card says where the project went, instead of buttons for a card that moved
        await outbox_queries.add_outbox_message(
            session,
            workspace_id=workspace_id,
            dedup_key=f"project-moved:audit-{event.id}",
            kind=NoticeKind.PROJECT_MOVED.value,
            channel_id=card_channel,
            payload={"project_id": project.id, "actor": actor.user_id, "card_ts": card_ts},
        )
    names = await account_names(session, workspace_id=workspace_id, snapshots=(changed_before, changed_after))
    return ProjectEdit(project, changed_before, changed_after, names)


# --- pause, resume, archive and restore ---------------------------------------------------------


@dataclass(frozen=True)
class ActiveChange:
    """A project after pause, resume, archive or restore; `changed` is False when it already was so."""

    project: LiteProject
    changed: bool


async def set_invite_link_active(
    session: AsyncSession,
    *,
    actor: Actor,
    active: bool,
    project_id: int | None = None,
    name: str | None = None,
    mute: bool = False,
) -> ActiveChange:
    """Turn the Active invite link on (resume) or off (pause), by id or name. Doing it twice is a no-op.

    `mute` keeps the notice out of channels (a bulk change posts one summary instead); the
    project card is still brought up to date.
    """
    project = await get_project(session, actor=actor, project_id=project_id, name=name, for_update=True)
    await require_manager(session, actor=actor, project=project, action="pause")
    if project.archived_at is not None:
        raise Conflict(
            f"“{project.link_name}” is archived: restore it first (`/liteproject archived` lists archived projects)."
        )
    if project.active == active:
        return ActiveChange(project, changed=False)
    project.active = active
    kind = NoticeKind.PROJECT_RESUMED if active else NoticeKind.PROJECT_PAUSED
    event_id = await _record_change(
        session,
        actor=actor,
        project=project,
        action="project.resumed" if active else "project.paused",
        change=({"active": not active}, {"active": active}),
        kind=kind,
        dedup=kind.value,
        mute=mute,
    )
    if mute:
        # a bulk change: the summary goes where it was asked for, and each project's own thread
        # still says what happened to it (only there: the channel already has the summary)
        await outbox_queries.add_outbox_message(
            session,
            workspace_id=project.workspace_id,
            dedup_key=f"{kind.value}:audit-{event_id}",
            kind=kind.value,
            channel_id=project.channel_id,
            payload={"project_id": project.id, "primary": True, "actor": actor.user_id, "bulk": True},
        )
    await queue_card_refresh(session, project=project, reason=f"audit-{event_id}")
    return ActiveChange(project, changed=True)


async def set_all_invite_links(
    session: AsyncSession, *, actor: Actor, active: bool, summary_channel_id: str
) -> list[LiteProject]:
    """Pause (or resume) every project of the workspace; one summary instead of a notice each."""
    await require_admin(actor, what=f"{'resume' if active else 'pause'} every project at once")
    workspace_id = await workspace_id_of(session, actor)
    changed = []
    for project_id in await project_queries.project_ids_with_state(
        session, workspace_id=workspace_id, active=not active
    ):
        result = await set_invite_link_active(
            session, actor=actor, project_id=project_id, active=active, mute=True
        )
        if result.changed:
            changed.append(result.project)
    if changed:
        await outbox_queries.add_outbox_message(
            session,
            workspace_id=workspace_id,
            dedup_key=f"bulk-{'resume' if active else 'pause'}:{actor.user_id}:{secrets.token_hex(8)}",
            kind=NoticeKind.BULK_SUMMARY.value,
            channel_id=summary_channel_id,
            payload={"actor": actor.user_id, "active": active, "project_ids": [p.id for p in changed]},
        )
    return changed


async def archive_project(
    session: AsyncSession, *, actor: Actor, project_id: int | None = None, name: str | None = None
) -> ActiveChange:
    """Archive: the invite link goes off and the project leaves lists, App Home and `subscribe all`.

    Nothing is deleted: its videos, history and export stay, and *Restore* brings it back.
    """
    project = await get_project(session, actor=actor, project_id=project_id, name=name, for_update=True)
    await require_manager(session, actor=actor, project=project, action="archive")
    if project.archived_at is not None:
        return ActiveChange(project, changed=False)
    was_active = project.active
    project.archived_at = utcnow()
    project.active = False
    event_id = await _record_change(
        session,
        actor=actor,
        project=project,
        action="project.archived",
        change=({"archived": False, "active": was_active}, {"archived": True, "active": False}),
        kind=NoticeKind.PROJECT_ARCHIVED,
        dedup="project-archived",
    )
    await queue_card_refresh(session, project=project, reason=f"audit-{event_id}")
    return ActiveChange(project, changed=True)


async def restore_project(
    session: AsyncSession, *, actor: Actor, project_id: int | None = None, name: str | None = None
) -> ActiveChange:
    """Bring an archived project back, paused: its link goes live again only when someone resumes it."""
    project = await get_project(session, actor=actor, project_id=project_id, name=name, for_update=True)
    await require_manager(session, actor=actor, project=project, action="archive")
    if project.archived_at is None:
        return ActiveChange(project, changed=False)
    project.archived_at = None
    event_id = await _record_change(
        session,
        actor=actor,
        project=project,
        action="project.restored",
        change=({"archived": True}, {"archived": False}),
        kind=NoticeKind.PROJECT_RESTORED,
        dedup="project-restored",
    )
    if project.tto_campaign_id is not None:
        # archiving stopped following it in TikTok One; deliveries made meanwhile are picked up now
        await tiktok_one_sync.queue_poll(session, project=project, after=0)
    await queue_card_refresh(session, project=project, reason=f"audit-{event_id}")
    return ActiveChange(project, changed=True)


async def _record_change(
    session: AsyncSession,
    *,
    actor: Actor,
    project: LiteProject,
    action: str,
    change: Sides,
    kind: NoticeKind,
    dedup: str,
    mute: bool = False,
) -> int:
    """The audit event of a change to the project's state and its notice; returns the event's id."""
    project.updated_at = project.archived_at or utcnow()  # an archive's is the same moment
    before, after = change
    event = record_event(session, project, actor=actor.user_id, action=action, before=before, after=after)
    await session.flush()
    assert event.id is not None
    await queue_notice(
        session,
        project=project,
        kind=kind,
        dedup_key=f"{dedup}:audit-{event.id}",
        mute=mute,
        actor=actor.user_id,
    )
    return event.id
