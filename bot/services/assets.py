"""Reusable assets a lite project is built from: brand profiles, TikTok Ads Manager accounts, anchors.

They are added once per workspace and chosen in the create modal (see TikTok One's "Assets").
The rules live here: a brand's contact email is on its website's domain (creators are told to
expect emails from it), advertiser IDs are numeric, an anchor carries the link(s) its kind needs.
Every change writes its audit event in the caller's transaction; bad input stores nothing.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import listing, tiktok_one_assets
from bot.services.audit import changed_only
from bot.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from bot.services.notices import NoticeKind, queue_notice
from bot.services.validation import FieldError, clean_email, clean_text, clean_url, domain_of, email_on_domain
from bot.services.workspaces import Actor, workspace_id_of
from storage import assets as asset_queries
from storage import audit as audit_queries
from storage.assets import count_assets, projects_using_ads_account, projects_using_anchor
from storage.assets import get_ads_account as get_ads_account_row
from storage.models import AdsAccount, Anchor, AnchorKind, BrandProfile, LiteProject, utcnow
from storage.sql import is_unique_violation

NAME_MAX = 100
WEBSITE_MAX = 500
ADVERTISER_ID = re.compile(r"^[0-9]{6,20}$")
PRODUCT_ID = re.compile(r"^[0-9]{1,64}$")
APP_STORE_HOSTS = ("apps.apple.com",)
GOOGLE_PLAY_HOSTS = ("play.google.com",)
STORE_KINDS = (AnchorKind.APP_DOWNLOAD, AnchorKind.GAMING)

# ISO 3166-1 alpha-2: every officially assigned code
_ISO_3166_ALPHA_2 = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
COUNTRY_CODES = frozenset(_ISO_3166_ALPHA_2.split())


class NextStep(enum.StrEnum):
    """What a workspace still needs before (or to) run a lite project, in the order to do it."""

    ADD_BRAND = "add_brand"
    ADD_ADS_ACCOUNT = "add_ads_account"
    ADD_ANCHOR = "add_anchor"
    CREATE_PROJECT = "create_project"


# --- drafts: what the modals collect; field names are the modals' block ids ---------------------


@dataclass
class BrandDraft:
    name: str | None = None
    website: str | None = None
    contact_email: str | None = None
    logo_url: str | None = None


@dataclass
class AdsAccountDraft:
    advertiser_id: str | None = None
    display_name: str | None = None


@dataclass
class AnchorDraft:
    kind: str | None = None
    name: str | None = None
    country: str | None = None
    url: str | None = None
    ios_url: str | None = None
    android_url: str | None = None
    product_id: str | None = None


# --- brand profiles -----------------------------------------------------------------------------


def brand_snapshot(brand: BrandProfile) -> dict[str, Any]:
    return {
        "name": brand.name,
        "website": brand.website,
        "domain": brand.domain,
        "contact_email": brand.contact_email,
        "logo_url": brand.logo_url,
    }


async def list_brands(session: AsyncSession, *, actor: Actor) -> Sequence[BrandProfile]:
    workspace_id = await workspace_id_of(session, actor)
    return await asset_queries.list_brands(session, workspace_id=workspace_id)


async def get_brand(session: AsyncSession, *, actor: Actor, brand_id: int) -> BrandProfile:
    """A brand profile of the actor's workspace; an id from another workspace is simply not found."""
    workspace_id = await workspace_id_of(session, actor)
    brand = await asset_queries.get_brand(session, workspace_id=workspace_id, brand_id=brand_id)
    if brand is None:
        raise NotFound("That brand profile doesn't exist any more, or isn't in this workspace.")
    return brand


async def add_brand(session: AsyncSession, *, actor: Actor, draft: BrandDraft) -> BrandProfile:
    workspace_id = await workspace_id_of(session, actor)
    values = await _clean_brand(session, workspace_id=workspace_id, draft=draft, brand_id=None)
    brand = BrandProfile(workspace_id=workspace_id, created_by=actor.user_id, **values)
    session.add(brand)
    await _flush_unique(session, field="name", message=_taken("a brand profile", values["name"]))
    assert brand.id is not None
    audit_queries.add_audit_event(
        session,
        workspace_id=workspace_id,
        actor=actor.user_id,
        action="brand.created",
        target_type="brand",
        target_id=brand.id,
        after=brand_snapshot(brand),
    )
    await tiktok_one_assets.on_brand_added(session, brand=brand)
    await session.flush()
    return brand


class NotBrandEditor(Forbidden):
    """Only the brand's creator and workspace admins may edit it; Slack shows whom to ask with a
    mention (see bot/blocks/refusals.py)."""

    def __init__(self, brand: BrandProfile) -> None:
        super().__init__(
            f"Only the brand profile's creator and workspace admins can edit “{brand.name}”: creators see "
            "it on every invite page of this brand."
        )
        self.brand_name = brand.name
        self.created_by = brand.created_by


async def require_brand_editor(brand: BrandProfile, *, actor: Actor) -> bool:
    """The brand's creator and workspace admins may edit it (creator pages show what it says);
    True when the actor is an admin. Forbidden, saying whom to ask, for anyone else."""
    admin = await actor.is_workspace_admin()
    if admin or (brand.created_by and brand.created_by == actor.user_id):
        return admin
    raise NotBrandEditor(brand)


async def update_brand(
    session: AsyncSession, *, actor: Actor, brand_id: int, draft: BrandDraft
) -> BrandProfile:
    """Save the edit modal: the same checks as adding; nothing changes when nothing differs.

    Once a project uses the brand, its website's domain is what creators were told to trust:
    only an admin may change it, and every such project's history and thread say so.
    """
    brand = await get_brand(session, actor=actor, brand_id=brand_id)
    assert brand.id is not None
    admin = await require_brand_editor(brand, actor=actor)
    values = await _clean_brand(session, workspace_id=brand.workspace_id, draft=draft, brand_id=brand.id)
    using = await asset_queries.projects_of_brand(session, workspace_id=brand.workspace_id, brand_id=brand.id)
    old_domain = brand.domain
    domain_moved = bool(using) and values["domain"] != old_domain
    if domain_moved and not admin:
        count = len(using)
        raise InvalidInput(
            {
                "website": f"{count} project{'' if count == 1 else 's'} already tell creators to trust "
                f"{old_domain}, so the website must stay on it. A workspace admin can change it."
            }
        )
    before = brand_snapshot(brand)
    for name, value in values.items():
        setattr(brand, name, value)
    after = brand_snapshot(brand)
    if after == before:
        return brand
    brand.updated_at = utcnow()
    listing.changed(session, workspace_id=brand.workspace_id)  # project lists show the brand's name
    await _flush_unique(session, field="name", message=_taken("a brand profile", values["name"]))
    changed_before, changed_after = changed_only(before, after)
    audit_queries.add_audit_event(
        session,
        workspace_id=brand.workspace_id,
        actor=actor.user_id,
        action="brand.updated",
        target_type="brand",
        target_id=brand.id,
        before=changed_before,
        after=changed_after,
    )
    if domain_moved:
        for project in using:
            await _tell_domain_moved(session, project=project, actor=actor, old=old_domain, new=brand.domain)
    await session.flush()
    return brand


async def _tell_domain_moved(
    session: AsyncSession, *, project: LiteProject, actor: Actor, old: str, new: str
) -> None:
    assert project.id is not None
    audit_queries.add_audit_event(
        session,
        workspace_id=project.workspace_id,
        actor=actor.user_id,
        action="project.brand_domain_changed",
        target_type="project",
        target_id=project.id,
        before={"brand_domain": old},
        after={"brand_domain": new},
    )
    await queue_notice(
        session,
        project=project,
        kind=NoticeKind.BRAND_DOMAIN_CHANGED,
        dedup_key=f"brand-domain:{project.id}:{new}:{utcnow().timestamp()}",
        actor=actor.user_id,
        old=old,
        new=new,
    )


async def _clean_brand(
    session: AsyncSession, *, workspace_id: int, draft: BrandDraft, brand_id: int | None
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    try:
        values["name"] = clean_text(draft.name, label="Brand name", max_length=NAME_MAX, required=True)
    except FieldError as exc:
        errors["name"] = str(exc)
    else:
        same = await asset_queries.find_brand_by_name(session, workspace_id=workspace_id, name=values["name"])
        if same is not None and same.id != brand_id:
            errors["name"] = _taken("a brand profile", same.name)

    domain: str | None = None
    try:
        website = clean_url(draft.website, label="Website")
        assert website is not None
        if len(website) > WEBSITE_MAX:
            raise FieldError(f"Website is {len(website)} characters; keep it to {WEBSITE_MAX}.")
        values["website"] = website
        values["domain"] = domain = domain_of(website)
    except FieldError as exc:
        errors["website"] = str(exc)

    try:
        email = clean_email(draft.contact_email, label="Contact email")
        if domain is not None and not email_on_domain(email, domain):
            raise FieldError(
                f"Use an address on {domain} (e.g. partners@{domain}): creators are told to expect "
                "emails from the brand's website domain."
            )
        values["contact_email"] = email
    except FieldError as exc:
        errors["contact_email"] = str(exc)

    try:
        values["logo_url"] = _clean_logo_url(draft.logo_url)
    except FieldError as exc:
        errors["logo_url"] = str(exc)

    if errors:
        raise InvalidInput(errors)
    return values


def _clean_logo_url(value: str | None) -> str | None:
    text = (value or "").strip()
    if text and "://" in text and not text.lower().startswith("https://"):
        raise FieldError("Logo URL should start with https://.")
    return clean_url(text, label="Logo URL", required=False)


# --- TikTok Ads Manager accounts --------------------------------------------------------------


def ads_account_snapshot(account: AdsAccount) -> dict[str, Any]:
    return {"advertiser_id": account.advertiser_id, "display_name": account.display_name}


async def list_ads_accounts(session: AsyncSession, *, actor: Actor) -> Sequence[AdsAccount]:
    workspace_id = await workspace_id_of(session, actor)
    return await asset_queries.list_ads_accounts(session, workspace_id=workspace_id)


async def add_ads_account(session: AsyncSession, *, actor: Actor, draft: AdsAccountDraft) -> AdsAccount:
    workspace_id = await workspace_id_of(session, actor)
    errors: dict[str, str] = {}
    advertiser_id = (draft.advertiser_id or "").strip()
    if not advertiser_id:
        errors["advertiser_id"] = "Advertiser ID is required."
    elif not ADVERTISER_ID.match(advertiser_id):
        errors["advertiser_id"] = (
            "TikTok advertiser IDs are numbers only, 6 to 20 digits (e.g. 7123456789012345678)."
        )
    else:
        same = await asset_queries.find_ads_account(
            session, workspace_id=workspace_id, advertiser_id=advertiser_id
        )
        if same is not None:
            errors["advertiser_id"] = f"This advertiser ID is already added, as “{same.display_name}”."
    try:
        display_name = clean_text(
            draft.display_name, label="Display name", max_length=NAME_MAX, required=True
        )
    except FieldError as exc:
        errors["display_name"] = str(exc)
    if errors:
        raise InvalidInput(errors)

    account = AdsAccount(
        workspace_id=workspace_id,
        advertiser_id=advertiser_id,
        display_name=display_name,
        created_by=actor.user_id,
    )
    session.add(account)
    await _flush_unique(session, field="advertiser_id", message="This advertiser ID is already added.")
    assert account.id is not None
    audit_queries.add_audit_event(
        session,
        workspace_id=workspace_id,
        actor=actor.user_id,
        action="ads_account.created",
        target_type="ads_account",
        target_id=account.id,
        after=ads_account_snapshot(account),
    )
    await session.flush()
    return account


async def get_ads_account(session: AsyncSession, *, actor: Actor, account_id: int) -> AdsAccount:
    workspace_id = await workspace_id_of(session, actor)
    account = await get_ads_account_row(session, workspace_id=workspace_id, ads_account_id=account_id)
    if account is None:
        raise NotFound("That Ads Manager account doesn't exist any more, or isn't in this workspace.")
    return account


async def update_ads_account(
    session: AsyncSession, *, actor: Actor, account_id: int, draft: AdsAccountDraft
) -> AdsAccount:
    """Rename an account; its advertiser ID is what TikTok knows it by, so that stays."""
    account = await get_ads_account(session, actor=actor, account_id=account_id)
    assert account.id is not None
    try:
        display_name = clean_text(
            draft.display_name, label="Display name", max_length=NAME_MAX, required=True
        )
    except FieldError as exc:
        raise InvalidInput({"display_name": str(exc)}) from None
    if display_name == account.display_name:
        return account
    before = ads_account_snapshot(account)
    account.display_name = display_name
    audit_queries.add_audit_event(
        session,
        workspace_id=account.workspace_id,
        actor=actor.user_id,
        action="ads_account.updated",
        target_type="ads_account",
        target_id=account.id,
        before={"display_name": before["display_name"]},
        after={"display_name": display_name},
    )
    await session.flush()
    return account


async def remove_ads_account(session: AsyncSession, *, actor: Actor, account_id: int) -> AdsAccount:
    """Delete an account no project uses; one in use is refused with the projects named."""
    account = await get_ads_account(session, actor=actor, account_id=account_id)
    assert account.id is not None
    users = await projects_using_ads_account(
        session, workspace_id=account.workspace_id, ads_account_id=account.id
    )
    if users:
        raise Conflict(
            f"“{account.display_name}” is used by {_project_names(users)}. Choose other accounts in those "
            "projects' Edit details first, then remove it."
        )
    await _remove(
        session, actor=actor, row=account, action="ads_account.removed", before=ads_account_snapshot(account)
    )
    return account


# --- anchors ------------------------------------------------------------------------------------


def anchor_snapshot(anchor: Anchor) -> dict[str, Any]:
    return {
        "kind": anchor.kind.value,
        "name": anchor.name,
        "country": anchor.country,
        "url": anchor.url,
        "ios_url": anchor.ios_url,
        "android_url": anchor.android_url,
        "product_id": anchor.product_id,
    }


async def list_anchors(session: AsyncSession, *, actor: Actor) -> Sequence[Anchor]:
    workspace_id = await workspace_id_of(session, actor)
    return await asset_queries.list_anchors(session, workspace_id=workspace_id)


async def add_anchor(session: AsyncSession, *, actor: Actor, draft: AnchorDraft) -> Anchor:
    """Links that the chosen kind doesn't use are dropped, not stored."""
    workspace_id = await workspace_id_of(session, actor)
    kind, values = await _clean_anchor(session, workspace_id=workspace_id, draft=draft, anchor_id=None)
    anchor = Anchor(workspace_id=workspace_id, kind=kind, created_by=actor.user_id, **values)
    session.add(anchor)
    await _flush_unique(session, field="name", message=_taken("an anchor", values["name"]))
    assert anchor.id is not None
    audit_queries.add_audit_event(
        session,
        workspace_id=workspace_id,
        actor=actor.user_id,
        action="anchor.created",
        target_type="anchor",
        target_id=anchor.id,
        after=anchor_snapshot(anchor),
    )
    await tiktok_one_assets.on_anchor_added(session, anchor=anchor)
    await session.flush()
    return anchor


async def get_anchor(session: AsyncSession, *, actor: Actor, anchor_id: int) -> Anchor:
    workspace_id = await workspace_id_of(session, actor)
    anchor = await asset_queries.get_anchor(session, workspace_id=workspace_id, anchor_id=anchor_id)
    if anchor is None:
        raise NotFound("That anchor doesn't exist any more, or isn't in this workspace.")
    return anchor


async def update_anchor(session: AsyncSession, *, actor: Actor, anchor_id: int, draft: AnchorDraft) -> Anchor:
    """Save the anchor's edit modal: the same checks as adding; nothing changes when nothing differs."""
    anchor = await get_anchor(session, actor=actor, anchor_id=anchor_id)
    assert anchor.id is not None
    kind, values = await _clean_anchor(
        session, workspace_id=anchor.workspace_id, draft=draft, anchor_id=anchor.id
    )
    before = anchor_snapshot(anchor)
    anchor.kind = kind
    for name, value in values.items():
        setattr(anchor, name, value)
    after = anchor_snapshot(anchor)
    if after == before:
        return anchor
    await _flush_unique(session, field="name", message=_taken("an anchor", values["name"]))
    changed_before, changed_after = changed_only(before, after)
    audit_queries.add_audit_event(
        session,
        workspace_id=anchor.workspace_id,
        actor=actor.user_id,
        action="anchor.updated",
        target_type="anchor",
        target_id=anchor.id,
        before=changed_before,
        after=changed_after,
    )
    await session.flush()
    return anchor


async def remove_anchor(session: AsyncSession, *, actor: Actor, anchor_id: int) -> Anchor:
    """Delete an anchor no project promotes; one in use is refused with the projects named."""
    anchor = await get_anchor(session, actor=actor, anchor_id=anchor_id)
    assert anchor.id is not None
    users = await projects_using_anchor(session, workspace_id=anchor.workspace_id, anchor_id=anchor.id)
    if users:
        raise Conflict(
            f"“{anchor.name}” is the anchor of {_project_names(users)}. A project's anchor can't change, so it "
            "stays while those projects exist."
        )
    await _remove(session, actor=actor, row=anchor, action="anchor.removed", before=anchor_snapshot(anchor))
    return anchor


async def _clean_anchor(
    session: AsyncSession, *, workspace_id: int, draft: AnchorDraft, anchor_id: int | None
) -> tuple[AnchorKind, dict[str, Any]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    try:
        kind: AnchorKind | None = AnchorKind(draft.kind or "")
    except ValueError:
        kind = None
        errors["kind"] = "Choose the anchor type: Webpage, App download, Gaming or TikTok Shop product."

    try:
        values["name"] = clean_text(draft.name, label="Anchor name", max_length=NAME_MAX, required=True)
    except FieldError as exc:
        errors["name"] = str(exc)
    else:
        same = await asset_queries.find_anchor_by_name(
            session, workspace_id=workspace_id, name=values["name"]
        )
        if same is not None and same.id != anchor_id:
            errors["name"] = _taken("an anchor", same.name)

    country = (draft.country or "").strip().upper()
    if country not in COUNTRY_CODES:
        errors["country"] = "Choose the country where the anchor is visible."
    values["country"] = country

    if kind is not None:
        values.update(_clean_anchor_links(kind, draft, errors))
    if errors:
        raise InvalidInput(errors)
    assert kind is not None
    return kind, values


def _clean_anchor_links(
    kind: AnchorKind, draft: AnchorDraft, errors: dict[str, str]
) -> dict[str, str | None]:
    links: dict[str, str | None] = {"url": None, "ios_url": None, "android_url": None, "product_id": None}
    if kind is AnchorKind.WEBPAGE:
        try:
            links["url"] = clean_url(draft.url, label="Webpage URL", required=False)
            if links["url"] is None:
                raise FieldError("Webpage anchors need the URL of the page they link to.")
        except FieldError as exc:
            errors["url"] = str(exc)
    elif kind in STORE_KINDS:
        stores = (
            ("ios_url", draft.ios_url, "App Store URL", APP_STORE_HOSTS, "https://apps.apple.com/…"),
            (
                "android_url",
                draft.android_url,
                "Google Play URL",
                GOOGLE_PLAY_HOSTS,
                "https://play.google.com/…",
            ),
        )
        for field, value, label, hosts, example in stores:
            try:
                links[field] = _clean_store_url(value, label=label, hosts=hosts, example=example)
            except FieldError as exc:
                errors[field] = str(exc)
        if not any(field in errors for field, *_ in stores) and not (
            links["ios_url"] or links["android_url"]
        ):
            missing = "App download and gaming anchors need an App Store link, a Google Play link, or both."
            errors["ios_url"] = errors["android_url"] = missing
    else:
        product_id = (draft.product_id or "").strip()
        if not product_id:
            errors["product_id"] = "TikTok Shop anchors need the product's ID."
        elif not PRODUCT_ID.match(product_id):
            errors["product_id"] = "A TikTok Shop product ID is numbers only (e.g. 1729384756102938475)."
        else:
            links["product_id"] = product_id
    return links


def _clean_store_url(value: str | None, *, label: str, hosts: tuple[str, ...], example: str) -> str | None:
    url = clean_url(value, label=label, required=False)
    if url is not None and (urlsplit(url).hostname or "").lower() not in hosts:
        raise FieldError(f"{label} should be a {hosts[0]} link, like {example}")
    return url


# --- what to do next ------------------------------------------------------------------------------


async def next_step(session: AsyncSession, *, actor: Actor) -> NextStep:
    workspace_id = await workspace_id_of(session, actor)
    counts = await count_assets(session, workspace_id=workspace_id)
    if not counts.brands:
        return NextStep.ADD_BRAND
    if not counts.ads_accounts:
        return NextStep.ADD_ADS_ACCOUNT
    if not counts.anchors:
        return NextStep.ADD_ANCHOR
    return NextStep.CREATE_PROJECT


# --- helpers ------------------------------------------------------------------------------------


def _project_names(projects: Sequence[LiteProject]) -> str:
    names = [f"“{p.link_name}”" + (" (archived)" if p.archived_at is not None else "") for p in projects[:10]]
    more = f" and {len(projects) - 10} more" if len(projects) > 10 else ""
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    return f"{'projects' if len(projects) > 1 else 'the project'} {listed}{more}"


async def _remove(
    session: AsyncSession, *, actor: Actor, row: AdsAccount | Anchor, action: str, before: dict[str, Any]
) -> None:
    assert row.id is not None
    audit_queries.add_audit_event(
        session,
        workspace_id=row.workspace_id,
        actor=actor.user_id,
        action=action,
        target_type=action.split(".")[0],
        target_id=row.id,
        before=before,
    )
    await session.delete(row)
    await session.flush()


def _taken(what: str, name: str) -> str:
    return f"There is already {what} called “{name}” in this workspace; choose another name."


async def _flush_unique(session: AsyncSession, *, field: str, message: str) -> None:
    """Flush; a unique constraint hit by a concurrent twin becomes the same inline error.

    The caller's transaction is rolled back when InvalidInput leaves it, so nothing is stored.
    """
    try:
        await session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise  # a missing row behind a foreign key is a fault, not a name someone took
        raise InvalidInput({field: message}) from None
