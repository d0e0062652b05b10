"""Brand profiles, Ads Manager accounts and anchors, against a real migrated SQLite file."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import assets
from bot.services.assets import AdsAccountDraft, AnchorDraft, BrandDraft, NextStep
from bot.services.errors import InvalidInput, NotFound
from bot.services.workspaces import Actor
from storage.models import AdsAccount, Anchor, AnchorKind, AuditEvent, BrandProfile
from tests.factories import count, rows
from tests.harness.fake_slack import TEAM_ID
from tests.harness.slack_requests import USER_ID


async def invalid(sessions: async_sessionmaker[AsyncSession], call: Any) -> dict[str, str]:
    """Run `call(session)` in a transaction that must fail with InvalidInput; return its errors."""
    with pytest.raises(InvalidInput) as caught:
        async with sessions.begin() as session:
            await call(session)
    return caught.value.errors


# --- brand profiles ---------------------------------------------------------------------------


async def test_adding_a_brand_stores_its_domain_and_audits_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        brand = await assets.add_brand(session, actor=ALICE, draft=brand_draft())

    assert brand.domain == "glowco.com"
    assert brand.website == "https://www.glowco.com"
    assert brand.created_by == USER_ID
    (event,) = await rows(sessions, AuditEvent)
    assert (event.action, event.target_type, event.target_id, event.actor) == (
        "brand.created",
        "brand",
        brand.id,
        USER_ID,
    )
    assert event.after is not None and event.after["domain"] == "glowco.com"


async def test_a_website_without_a_scheme_is_read_as_https(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        brand = await assets.add_brand(
            session,
            actor=ALICE,
            draft=brand_draft(website="  glowco.com/shop ", contact_email=" hi@GlowCo.com "),
        )

    assert brand.website == "https://glowco.com/shop"
    assert brand.domain == "glowco.com"
    assert brand.contact_email == "hi@GlowCo.com"


async def test_a_contact_email_on_a_subdomain_of_the_website_is_accepted(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        brand = await assets.add_brand(
            session, actor=ALICE, draft=brand_draft(contact_email="team@mail.glowco.com")
        )

    assert brand.contact_email == "team@mail.glowco.com"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": "  "}, "name", "required"),
        ({"name": "x" * 101}, "name", "keep it to 100"),
        ({"website": "not a website"}, "website", "web address"),
        ({"website": "ftp://glowco.com"}, "website", "web address"),
        ({"contact_email": "partners@gmail.com"}, "contact_email", "glowco.com"),
        ({"contact_email": "partners@notglowco.com"}, "contact_email", "glowco.com"),
        ({"contact_email": "partners"}, "contact_email", "name@company.com"),
        ({"logo_url": "http://www.glowco.com/logo.png"}, "logo_url", "https://"),
        ({"logo_url": "logo please"}, "logo_url", "web address"),
    ],
)
async def test_bad_brand_input_is_refused_on_its_field_and_stores_nothing(
    sessions: async_sessionmaker[AsyncSession], changes: dict[str, str], field: str, words: str
) -> None:
    errors = await invalid(sessions, lambda s: assets.add_brand(s, actor=ALICE, draft=brand_draft(**changes)))

    assert list(errors) == [field]
    assert words in errors[field]
    assert await count(sessions, BrandProfile) == 0
    assert await rows(sessions, AuditEvent) == []


async def test_every_bad_brand_field_is_reported_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    draft = BrandDraft(name="", website="nope", contact_email="nope", logo_url="http://x.com/l.png")

    errors = await invalid(sessions, lambda s: assets.add_brand(s, actor=ALICE, draft=draft))

    assert set(errors) == {"name", "website", "contact_email", "logo_url"}


async def test_brand_names_are_unique_per_workspace_whatever_the_case(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await assets.add_brand(session, actor=ALICE, draft=brand_draft(name="GlowCo"))

    errors = await invalid(
        sessions, lambda s: assets.add_brand(s, actor=ALICE, draft=brand_draft(name="glowco "))
    )

    assert "already a brand profile called “GlowCo”" in errors["name"]
    async with sessions.begin() as session:  # another workspace may use the name
        await assets.add_brand(session, actor=OTHER_TEAM, draft=brand_draft(name="GlowCo"))
    assert await count(sessions, BrandProfile) == 2


async def test_updating_a_brand_rechecks_everything_and_audits_the_difference(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        brand = await assets.add_brand(session, actor=ALICE, draft=brand_draft())
        assert brand.id is not None
    created_at = brand.updated_at

    errors = await invalid(
        sessions,
        lambda s: assets.update_brand(
            s, actor=ALICE, brand_id=brand.id, draft=brand_draft(website="https://glow.example")
        ),
    )
    assert "glow.example" in errors["contact_email"]

    async with sessions.begin() as session:
        updated = await assets.update_brand(
            session,
            actor=ALICE,  # who added it (others are refused: see test_brand_rules)
            brand_id=brand.id,
            draft=brand_draft(
                name="GlowCo Beauty", website="https://glowco.co.uk", contact_email="uk@glowco.co.uk"
            ),
        )

    assert (updated.name, updated.domain, updated.contact_email) == (
        "GlowCo Beauty",
        "glowco.co.uk",
        "uk@glowco.co.uk",
    )
    assert updated.updated_at >= created_at
    event = (await rows(sessions, AuditEvent))[-1]
    assert (event.action, event.actor) == ("brand.updated", ALICE.user_id)
    assert event.before == {
        "name": "GlowCo",
        "website": "https://www.glowco.com",
        "domain": "glowco.com",
        "contact_email": "partners@glowco.com",
    }
    assert event.after is not None and set(event.after) == {"name", "website", "domain", "contact_email"}


async def test_a_brand_can_keep_its_own_name_but_not_take_another_ones(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        glow = await assets.add_brand(session, actor=ALICE, draft=brand_draft(name="GlowCo"))
        await assets.add_brand(session, actor=ALICE, draft=brand_draft(name="Lumen"))
        assert glow.id is not None

    async with sessions.begin() as session:
        same = await assets.update_brand(
            session, actor=ALICE, brand_id=glow.id, draft=brand_draft(name="GLOWCO")
        )
    assert same.name == "GLOWCO"

    errors = await invalid(
        sessions,
        lambda s: assets.update_brand(s, actor=ALICE, brand_id=glow.id, draft=brand_draft(name="lumen")),
    )
    assert "Lumen" in errors["name"]


async def test_an_unchanged_brand_writes_no_audit_event(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        brand = await assets.add_brand(session, actor=ALICE, draft=brand_draft())
        assert brand.id is not None

    async with sessions.begin() as session:
        await assets.update_brand(session, actor=ALICE, brand_id=brand.id, draft=brand_draft())

    assert [event.action for event in await rows(sessions, AuditEvent)] == ["brand.created"]


async def test_a_brand_of_another_workspace_is_not_found(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        theirs = await assets.add_brand(session, actor=OTHER_TEAM, draft=brand_draft(name="Theirs"))
        assert theirs.id is not None

    with pytest.raises(NotFound):
        async with sessions.begin() as session:
            await assets.update_brand(
                session, actor=ALICE, brand_id=theirs.id, draft=brand_draft(name="Mine now")
            )
    with pytest.raises(NotFound):
        async with sessions.begin() as session:
            await assets.get_brand(session, actor=ALICE, brand_id=theirs.id)

    async with sessions() as session:
        assert [brand.name for brand in await assets.list_brands(session, actor=OTHER_TEAM)] == ["Theirs"]
        assert await assets.list_brands(session, actor=ALICE) == []


async def test_a_concurrent_twin_hitting_the_unique_constraint_gets_the_same_inline_error(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with sessions.begin() as session:
        await assets.add_brand(session, actor=ALICE, draft=brand_draft(name="GlowCo"))

    async def not_seen_yet(session: AsyncSession, *, workspace_id: int, name: str) -> None:
        return None  # as if the other request committed between our check and our insert

    monkeypatch.setattr(assets.asset_queries, "find_brand_by_name", not_seen_yet)
    errors = await invalid(
        sessions, lambda s: assets.add_brand(s, actor=ALICE, draft=brand_draft(name="GlowCo"))
    )

    assert "already a brand profile called “GlowCo”" in errors["name"]
    assert await count(sessions, BrandProfile) == 1
    assert len(await rows(sessions, AuditEvent)) == 1


# --- TikTok Ads Manager accounts --------------------------------------------------------------


async def test_adding_an_ads_account_stores_and_audits_it(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        account = await assets.add_ads_account(
            session,
            actor=ALICE,
            draft=AdsAccountDraft(advertiser_id=" 7123456789012345678 ", display_name="GlowCo US"),
        )

    assert (account.advertiser_id, account.display_name) == ("7123456789012345678", "GlowCo US")
    (event,) = await rows(sessions, AuditEvent)
    assert (event.action, event.target_type, event.target_id) == (
        "ads_account.created",
        "ads_account",
        account.id,
    )
    async with sessions() as session:
        assert [a.id for a in await assets.list_ads_accounts(session, actor=ALICE)] == [account.id]


@pytest.mark.parametrize(
    ("advertiser_id", "display_name", "field"),
    [
        ("", "GlowCo US", "advertiser_id"),
        ("12345", "GlowCo US", "advertiser_id"),
        ("1" * 21, "GlowCo US", "advertiser_id"),
        ("71234567-89012", "GlowCo US", "advertiser_id"),
        ("acct_712345678", "GlowCo US", "advertiser_id"),
        ("٧١٢٣٤٥٦٧٨٩", "GlowCo US", "advertiser_id"),  # digits, but not ASCII ones
        ("7123456789012", " ", "display_name"),
        ("7123456789012", "x" * 101, "display_name"),
    ],
)
async def test_bad_ads_account_input_is_refused_on_its_field(
    sessions: async_sessionmaker[AsyncSession], advertiser_id: str, display_name: str, field: str
) -> None:
    draft = AdsAccountDraft(advertiser_id=advertiser_id, display_name=display_name)

    errors = await invalid(sessions, lambda s: assets.add_ads_account(s, actor=ALICE, draft=draft))

    assert list(errors) == [field]
    assert await count(sessions, AdsAccount) == 0
    assert await rows(sessions, AuditEvent) == []


async def test_an_advertiser_id_is_added_once_per_workspace(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    draft = AdsAccountDraft(advertiser_id="7123456789012", display_name="GlowCo US")
    async with sessions.begin() as session:
        await assets.add_ads_account(session, actor=ALICE, draft=draft)

    errors = await invalid(
        sessions,
        lambda s: assets.add_ads_account(
            s, actor=BOB, draft=AdsAccountDraft(advertiser_id="7123456789012", display_name="Again")
        ),
    )

    assert "already added, as “GlowCo US”" in errors["advertiser_id"]
    async with sessions.begin() as session:
        await assets.add_ads_account(session, actor=OTHER_TEAM, draft=draft)
    assert await count(sessions, AdsAccount) == 2


# --- anchors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "stored"),
    [
        (
            {"kind": "webpage", "url": "https://www.glowco.com/serum", "product_id": "123"},
            {"url": "https://www.glowco.com/serum", "ios_url": None, "android_url": None, "product_id": None},
        ),
        (
            {"kind": "app_download", "ios_url": "https://apps.apple.com/us/app/glowco/id1234567890"},
            {
                "url": None,
                "ios_url": "https://apps.apple.com/us/app/glowco/id1234567890",
                "android_url": None,
                "product_id": None,
            },
        ),
        (
            {
                "kind": "gaming",
                "ios_url": "https://apps.apple.com/us/app/glowco/id1234567890",
                "android_url": "https://play.google.com/store/apps/details?id=com.glowco.app",
                "url": "https://x.com",
            },
            {
                "url": None,
                "ios_url": "https://apps.apple.com/us/app/glowco/id1234567890",
                "android_url": "https://play.google.com/store/apps/details?id=com.glowco.app",
                "product_id": None,
            },
        ),
        (
            {"kind": "gaming", "android_url": "https://play.google.com/store/apps/details?id=com.glowco.app"},
            {
                "url": None,
                "ios_url": None,
                "android_url": "https://play.google.com/store/apps/details?id=com.glowco.app",
                "product_id": None,
            },
        ),
        (
            {"kind": "tiktok_shop", "product_id": " 1729384756102938475 "},
            {"url": None, "ios_url": None, "android_url": None, "product_id": "1729384756102938475"},
        ),
    ],
)
async def test_each_anchor_kind_keeps_only_the_links_it_uses(
    sessions: async_sessionmaker[AsyncSession], draft: dict[str, str], stored: dict[str, str | None]
) -> None:
    async with sessions.begin() as session:
        anchor = await assets.add_anchor(
            session, actor=ALICE, draft=AnchorDraft(name="Serum", country="us", **draft)
        )

    assert anchor.kind == AnchorKind(draft["kind"])
    assert anchor.country == "US"
    assert {key: getattr(anchor, key) for key in stored} == stored
    (event,) = await rows(sessions, AuditEvent)
    assert (event.action, event.target_type, event.target_id) == ("anchor.created", "anchor", anchor.id)
    assert event.after is not None and event.after["kind"] == draft["kind"]


@pytest.mark.parametrize(
    ("draft", "fields"),
    [
        ({"kind": None, "url": "https://www.glowco.com"}, {"kind"}),
        ({"kind": "banner", "url": "https://www.glowco.com"}, {"kind"}),
        ({"kind": "webpage", "name": "", "url": "https://www.glowco.com"}, {"name"}),
        ({"kind": "webpage", "name": "x" * 101, "url": "https://www.glowco.com"}, {"name"}),
        ({"kind": "webpage", "country": "", "url": "https://www.glowco.com"}, {"country"}),
        ({"kind": "webpage", "country": "XX", "url": "https://www.glowco.com"}, {"country"}),
        ({"kind": "webpage", "country": "USA", "url": "https://www.glowco.com"}, {"country"}),
        ({"kind": "webpage"}, {"url"}),
        ({"kind": "webpage", "url": "glowco"}, {"url"}),
        ({"kind": "app_download"}, {"ios_url", "android_url"}),
        ({"kind": "gaming", "ios_url": "https://play.google.com/store/apps/details?id=x"}, {"ios_url"}),
        ({"kind": "app_download", "android_url": "https://apps.apple.com/us/app/x/id1"}, {"android_url"}),
        ({"kind": "app_download", "ios_url": "https://apps.apple.com.evil.com/app"}, {"ios_url"}),
        ({"kind": "tiktok_shop"}, {"product_id"}),
        ({"kind": "tiktok_shop", "product_id": "SKU-1234"}, {"product_id"}),
    ],
)
async def test_bad_anchor_input_is_refused_on_the_right_field(
    sessions: async_sessionmaker[AsyncSession], draft: dict[str, str | None], fields: set[str]
) -> None:
    values: dict[str, str | None] = {"name": "Serum", "country": "US", **draft}

    errors = await invalid(sessions, lambda s: assets.add_anchor(s, actor=ALICE, draft=AnchorDraft(**values)))

    assert set(errors) == fields
    assert await count(sessions, Anchor) == 0
    assert await rows(sessions, AuditEvent) == []


async def test_a_missing_store_link_names_both_store_fields(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    draft = AnchorDraft(kind="app_download", name="App", country="GB")

    errors = await invalid(sessions, lambda s: assets.add_anchor(s, actor=ALICE, draft=draft))

    assert errors["ios_url"] == errors["android_url"]
    assert "App Store link, a Google Play link, or both" in errors["ios_url"]


async def test_anchor_names_are_unique_per_workspace_whatever_the_case(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    draft = AnchorDraft(kind="webpage", name="Serum page", country="US", url="https://www.glowco.com")
    async with sessions.begin() as session:
        await assets.add_anchor(session, actor=ALICE, draft=draft)

    again = AnchorDraft(kind="tiktok_shop", name="SERUM PAGE", country="FR", product_id="42")
    errors = await invalid(sessions, lambda s: assets.add_anchor(s, actor=ALICE, draft=again))

    assert "already an anchor called “Serum page”" in errors["name"]
    async with sessions() as session:
        assert [anchor.name for anchor in await assets.list_anchors(session, actor=ALICE)] == ["Serum page"]
        assert await assets.list_anchors(session, actor=OTHER_TEAM) == []


# --- next step ----------------------------------------------------------------------------------


async def test_the_next_step_walks_brand_account_anchor_then_create(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    steps = []
    async with sessions.begin() as session:
        steps.append(await assets.next_step(session, actor=ALICE))
        await assets.add_brand(session, actor=ALICE, draft=brand_draft())
        steps.append(await assets.next_step(session, actor=ALICE))
        await assets.add_ads_account(
            session, actor=ALICE, draft=AdsAccountDraft(advertiser_id="7123456789012", display_name="US")
        )
        steps.append(await assets.next_step(session, actor=ALICE))
        await assets.add_anchor(
            session,
            actor=ALICE,
            draft=AnchorDraft(kind="tiktok_shop", name="Serum", country="US", product_id="1"),
        )
        steps.append(await assets.next_step(session, actor=ALICE))
        steps.append(await assets.next_step(session, actor=OTHER_TEAM))

    assert steps == [
        NextStep.ADD_BRAND,
        NextStep.ADD_ADS_ACCOUNT,
        NextStep.ADD_ANCHOR,
        NextStep.CREATE_PROJECT,
        NextStep.ADD_BRAND,
    ]


# --- data -----------------------------------------------------------------------------------------

ALICE = Actor(team_id=TEAM_ID, user_id=USER_ID)
BOB = Actor(team_id=TEAM_ID, user_id="U0BOB0001")
OTHER_TEAM = Actor(team_id="T0OTHER01", user_id="U0MALLORY")


def brand_draft(**changes: str) -> BrandDraft:
    values = {
        "name": "GlowCo",
        "website": "https://www.glowco.com",
        "contact_email": "partners@glowco.com",
        "logo_url": "",
        **changes,
    }
    return BrandDraft(**values)


# --- what a refused flush means ---------------------------------------------------------------


async def test_a_row_pointing_at_a_missing_workspace_is_an_error_not_a_taken_name(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            session.add(
                BrandProfile(
                    workspace_id=987654,
                    name="GlowCo",
                    website="https://glowco.com",
                    domain="glowco.com",
                    contact_email="a@glowco.com",
                )
            )
            await assets._flush_unique(session, field="name", message="taken")
    assert await count(sessions, BrandProfile) == 0


async def test_a_workspace_made_in_a_rolled_back_transaction_is_not_remembered(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    actor = Actor(team_id="T0ROLLBACK", user_id=USER_ID)
    async with sessions() as session:  # never commits, like a read-only App Home publish
        await assets.list_brands(session, actor=actor)
        await assets.list_anchors(session, actor=actor)

    async with sessions.begin() as session:
        brand = await assets.add_brand(
            session,
            actor=actor,
            draft=BrandDraft(name="GlowCo", website="https://glowco.com", contact_email="a@glowco.com"),
        )
    assert brand.id is not None and await count(sessions, BrandProfile) == 1
