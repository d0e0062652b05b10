"""The brand, Ads Manager account and anchor modals' submissions: stored, audited and confirmed, or
refused field by field; who may change a brand and what a used brand keeps."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col

from bot.blocks.assets import (
    ADS_ACCOUNT_ADD,
    ADS_ACCOUNT_EDIT,
    ANCHOR_ADD,
    ANCHOR_EDIT,
    BRAND_ADD,
    BRAND_EDIT,
    EDIT_BRAND,
)
from storage.models import AdsAccount, Anchor, AnchorKind, AuditEvent, BrandProfile, LiteProject
from tests.bot.handlers.helpers import (
    CREATOR,
    METADATA,
    OTHER_TEAM,
    account_values,
    anchor_values,
    brand_audit,
    brand_values,
)
from tests.factories import make_ads_account, make_anchor, make_brand, make_project, make_workspace, rows
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID


async def ads_account_audit(server: RunningServer) -> list[AuditEvent]:
    return await rows(server.sessions, AuditEvent, col(AuditEvent.target_type) == "ads_account")


async def anchor_audit(server: RunningServer) -> list[AuditEvent]:
    return await rows(server.sessions, AuditEvent, col(AuditEvent.target_type) == "anchor")


IOS_URL = "https://apps.apple.com/us/app/glowco/id1234567890"
PLAY_URL = "https://play.google.com/store/apps/details?id=com.glowco.app"


async def open_modal(server: RunningServer, text: str) -> dict[str, Any]:
    await server.slack.command(text)
    (opened,) = await server.fake.wait_for("views.open")
    view: dict[str, Any] = opened.args["view"]
    return view


ERRORS_OFF_DOMAIN = (
    "Use an address on glowco.com (e.g. partners@glowco.com): creators are told to expect emails from "
    "the brand's website domain."
)
MEMBER = "U0MEMBER01"
ADMIN = "U0ADMIN001"


async def a_brand(server: RunningServer, *, used: bool = False) -> tuple[BrandProfile, list[LiteProject]]:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        brand = await make_brand(session, workspace=workspace, name="GlowCo", created_by=CREATOR)
        projects = (
            [
                await make_project(session, workspace=workspace, brand=brand, link_name=name)
                for name in ("Spring", "Fall")
            ]
            if used
            else []
        )
    return brand, projects


def edit_metadata(brand: BrandProfile) -> str:
    return json.dumps({"channel_id": CHANNEL_ID, "brand_id": brand.id})


async def test_a_good_account_is_stored_audited_and_confirmed(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_brand(session, workspace=await make_workspace(session))
    await server.slack.command("account add")
    (opened,) = await server.fake.wait_for("views.open")

    answer = await server.slack.view_submission(
        ADS_ACCOUNT_ADD, account_values(), private_metadata=opened.args["view"]["private_metadata"]
    )

    assert answer.text == ""
    (account,) = await rows(server.sessions, AdsAccount)
    assert (account.advertiser_id, account.display_name, account.created_by) == (
        "7123456789012345678",
        "GlowCo US",
        USER_ID,
    )
    (event,) = await ads_account_audit(server)
    assert (event.action, event.target_type, event.target_id) == (
        "ads_account.created",
        "ads_account",
        account.id,
    )
    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert (confirmation.args["channel"], confirmation.args["user"]) == (CHANNEL_ID, USER_ID)
    assert "GlowCo US" in confirmation.args["text"]
    assert "Next: /liteproject anchor add" in confirmation.args["text"]


async def test_the_first_account_before_any_brand_points_to_brand_add(server: RunningServer) -> None:
    await server.slack.view_submission(ADS_ACCOUNT_ADD, account_values(), private_metadata=METADATA)

    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert "Next: /liteproject brand add" in confirmation.args["text"]


async def test_bad_account_input_shows_an_error_on_each_field_and_stores_nothing(
    server: RunningServer,
) -> None:
    answer = await server.slack.view_submission(
        ADS_ACCOUNT_ADD,
        account_values(advertiser_id="act-7123", display_name="  "),
        private_metadata=METADATA,
    )

    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {"advertiser_id", "display_name"}
    assert "numbers only" in answer.json["errors"]["advertiser_id"]
    assert await rows(server.sessions, AdsAccount) == []
    assert await ads_account_audit(server) == []
    assert server.fake.of("chat.postEphemeral") == []


async def test_an_advertiser_id_already_added_is_refused_inline(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_ads_account(
            session,
            workspace=await make_workspace(session),
            advertiser_id="7123456789012345678",
            display_name="US",
        )

    answer = await server.slack.view_submission(ADS_ACCOUNT_ADD, account_values(), private_metadata=METADATA)

    assert answer.json == {
        "response_action": "errors",
        "errors": {"advertiser_id": "This advertiser ID is already added, as “US”."},
    }
    assert len(await rows(server.sessions, AdsAccount)) == 1


async def test_a_good_anchor_is_stored_audited_and_confirmed(server: RunningServer) -> None:
    await server.slack.command("anchor add")
    (opened,) = await server.fake.wait_for("views.open")

    answer = await server.slack.view_submission(
        ANCHOR_ADD,
        anchor_values(
            kind="app_download", ios_url=IOS_URL, android_url=PLAY_URL, url="https://ignored.example"
        ),
        private_metadata=opened.args["view"]["private_metadata"],
    )

    assert answer.text == ""
    (anchor,) = await rows(server.sessions, Anchor)
    assert (anchor.kind, anchor.name, anchor.country) == (AnchorKind.APP_DOWNLOAD, "Serum launch", "US")
    assert (anchor.ios_url, anchor.android_url, anchor.url) == (IOS_URL, PLAY_URL, None)
    assert anchor.created_by == USER_ID
    (event,) = await anchor_audit(server)
    assert (event.action, event.target_id) == ("anchor.created", anchor.id)
    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert "Serum launch" in confirmation.args["text"]
    assert "Next: /liteproject brand add" in confirmation.args["text"]


async def test_the_last_missing_asset_points_to_create(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        await make_brand(session, workspace=workspace)
        await make_ads_account(session, workspace=workspace)

    await server.slack.view_submission(ANCHOR_ADD, anchor_values(), private_metadata=METADATA)

    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert "Next: /liteproject create" in confirmation.args["text"]


async def test_bad_anchor_input_shows_an_error_on_each_field_and_stores_nothing(
    server: RunningServer,
) -> None:
    values = anchor_values(kind=None, name="", country=None)

    answer = await server.slack.view_submission(ANCHOR_ADD, values, private_metadata=METADATA)

    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {"kind", "name", "country"}
    assert await rows(server.sessions, Anchor) == []
    assert await anchor_audit(server) == []
    assert server.fake.of("chat.postEphemeral") == []


async def test_the_link_a_kind_needs_is_reported_on_its_own_field(server: RunningServer) -> None:
    cases = [
        (anchor_values(kind="webpage", url=""), {"url"}),
        (anchor_values(kind="gaming", url="https://www.glowco.com"), {"ios_url", "android_url"}),
        (anchor_values(kind="app_download", ios_url=PLAY_URL), {"ios_url"}),
        (anchor_values(kind="tiktok_shop", product_id="SKU-42"), {"product_id"}),
    ]
    for values, fields in cases:
        answer = await server.slack.view_submission(ANCHOR_ADD, values, private_metadata=METADATA)

        assert answer.json["response_action"] == "errors"
        assert set(answer.json["errors"]) == fields
    assert await rows(server.sessions, Anchor) == []


async def test_a_forged_country_code_is_refused(server: RunningServer) -> None:
    answer = await server.slack.view_submission(
        ANCHOR_ADD, anchor_values(country="ZZ"), private_metadata=METADATA
    )

    assert list(answer.json["errors"]) == ["country"]


async def test_a_duplicate_anchor_name_is_refused_inline(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_anchor(session, workspace=await make_workspace(session), name="Serum launch")

    answer = await server.slack.view_submission(
        ANCHOR_ADD, anchor_values(name="SERUM LAUNCH"), private_metadata=METADATA
    )

    assert list(answer.json["errors"]) == ["name"]
    assert len(await rows(server.sessions, Anchor)) == 1


async def test_a_good_brand_is_stored_audited_and_confirmed_with_the_next_step(server: RunningServer) -> None:
    view = await open_modal(server, "brand add")

    answer = await server.slack.view_submission(
        BRAND_ADD, brand_values(), private_metadata=view["private_metadata"]
    )

    assert answer.status == 200
    assert answer.text == ""  # the modal closes
    (brand,) = await rows(server.sessions, BrandProfile)
    assert (brand.name, brand.domain, brand.contact_email) == ("GlowCo", "glowco.com", "partners@glowco.com")
    assert brand.logo_url == "https://www.glowco.com/logo.png"
    assert [(e.action, e.actor, e.target_id) for e in await brand_audit(server)] == [
        ("brand.created", USER_ID, brand.id)
    ]
    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert confirmation.args["channel"] == CHANNEL_ID
    assert confirmation.args["user"] == USER_ID
    assert "GlowCo" in confirmation.args["text"]
    assert "Next: /liteproject account add" in confirmation.args["text"]


async def test_bad_brand_input_shows_an_error_on_each_field_and_stores_nothing(server: RunningServer) -> None:
    values = brand_values(
        name="", website="not a site", contact_email="glowco@gmail", logo_url="http://x.com/l.png"
    )

    answer = await server.slack.view_submission(BRAND_ADD, values, private_metadata=METADATA)

    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {"name", "website", "contact_email", "logo_url"}
    assert await rows(server.sessions, BrandProfile) == []
    assert await brand_audit(server) == []
    assert server.fake.of("chat.postEphemeral") == []


async def test_a_contact_email_off_the_website_domain_is_refused_inline(server: RunningServer) -> None:
    answer = await server.slack.view_submission(
        BRAND_ADD, brand_values(contact_email="glowco.partners@gmail.com"), private_metadata=METADATA
    )

    assert answer.json == {
        "response_action": "errors",
        "errors": {"contact_email": ERRORS_OFF_DOMAIN},
    }
    assert await rows(server.sessions, BrandProfile) == []


async def test_a_duplicate_brand_name_is_refused_inline(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_brand(session, workspace=await make_workspace(session), name="GlowCo")

    answer = await server.slack.view_submission(
        BRAND_ADD, brand_values(name="glowco"), private_metadata=METADATA
    )

    assert answer.json["response_action"] == "errors"
    assert list(answer.json["errors"]) == ["name"]
    assert len(await rows(server.sessions, BrandProfile)) == 1


async def test_the_brand_is_saved_even_when_the_confirmation_cant_be_shown(server: RunningServer) -> None:
    server.fake.fail("chat.postEphemeral", "not_in_channel")

    answer = await server.slack.view_submission(BRAND_ADD, brand_values(), private_metadata=METADATA)

    assert answer.text == ""
    await server.fake.wait_for("chat.postEphemeral")
    assert len(await rows(server.sessions, BrandProfile)) == 1


async def test_submitting_the_edit_modal_updates_the_brand(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        brand = await make_brand(session, workspace=await make_workspace(session), name="GlowCo")
    await server.slack.block_action(EDIT_BRAND, value=str(brand.id))
    (opened,) = await server.fake.wait_for("views.open")

    answer = await server.slack.view_submission(
        BRAND_EDIT,
        brand_values(name="GlowCo Beauty", website="https://glowco.co.uk", contact_email="uk@glowco.co.uk"),
        private_metadata=opened.args["view"]["private_metadata"],
    )

    assert answer.text == ""
    (stored,) = await rows(server.sessions, BrandProfile)
    assert (stored.id, stored.name, stored.domain) == (brand.id, "GlowCo Beauty", "glowco.co.uk")
    (event,) = await brand_audit(server)
    assert (event.action, event.target_id) == ("brand.updated", brand.id)
    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert "Saved brand profile GlowCo Beauty" in confirmation.args["text"]


async def test_the_edit_modal_checks_like_the_add_modal(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        brand = await make_brand(session, workspace=await make_workspace(session), name="GlowCo")

    answer = await server.slack.view_submission(
        BRAND_EDIT,
        brand_values(website="https://other.example"),
        private_metadata=json.dumps({"channel_id": CHANNEL_ID, "brand_id": brand.id}),
    )

    assert answer.json["response_action"] == "errors"
    assert list(answer.json["errors"]) == ["contact_email"]
    (stored,) = await rows(server.sessions, BrandProfile)
    assert stored.website == "https://www.glowco.com"


async def test_an_edit_with_a_forged_brand_id_of_another_workspace_is_refused(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        theirs = await make_brand(
            session, workspace=await make_workspace(session, team_id=OTHER_TEAM), name="Theirs"
        )

    answer = await server.slack.view_submission(
        BRAND_EDIT,
        brand_values(name="Hijacked"),
        private_metadata=json.dumps({"channel_id": CHANNEL_ID, "brand_id": theirs.id}),
    )

    assert answer.json["response_action"] == "errors"
    assert "doesn't exist" in answer.json["errors"]["name"]
    (stored,) = await rows(server.sessions, BrandProfile)
    assert stored.name == "Theirs"
    assert await brand_audit(server) == []


async def test_an_edit_without_a_brand_id_is_refused(server: RunningServer) -> None:
    answer = await server.slack.view_submission(BRAND_EDIT, brand_values(), private_metadata="not json")

    assert answer.json["response_action"] == "errors"
    assert await rows(server.sessions, BrandProfile) == []


async def test_a_member_who_did_not_add_the_brand_can_neither_open_nor_save_its_edit(
    server: RunningServer,
) -> None:
    brand, _ = await a_brand(server)

    await server.slack.block_action(EDIT_BRAND, value=str(brand.id), user_id=MEMBER)
    (reply,) = await server.fake.wait_for("respond")
    answer = await server.slack.view_submission(
        BRAND_EDIT, brand_values(name="Hijacked"), private_metadata=edit_metadata(brand), user_id=MEMBER
    )

    assert "workspace admins can edit" in reply.args["text"]
    assert server.fake.of("views.open") == []
    assert answer.json["response_action"] == "errors"
    assert "workspace admins can edit" in answer.json["errors"]["name"]
    (stored,) = await rows(server.sessions, BrandProfile)
    assert stored.name == "GlowCo"
    assert await brand_audit(server) == []


async def test_a_workspace_admin_may_edit_a_brand_someone_else_added(server: RunningServer) -> None:
    brand, _ = await a_brand(server)
    server.fake.users[ADMIN] = {"id": ADMIN, "is_admin": True}

    answer = await server.slack.view_submission(
        BRAND_EDIT, brand_values(name="GlowCo Beauty"), private_metadata=edit_metadata(brand), user_id=ADMIN
    )

    assert answer.text == ""
    (stored,) = await rows(server.sessions, BrandProfile)
    assert stored.name == "GlowCo Beauty"


async def test_the_domain_of_a_used_brand_is_fixed_for_its_creator(server: RunningServer) -> None:
    brand, _ = await a_brand(server, used=True)

    moved = await server.slack.view_submission(
        BRAND_EDIT,
        brand_values(website="https://glowco-deals.example", contact_email="team@glowco-deals.example"),
        private_metadata=edit_metadata(brand),
    )
    renamed = await server.slack.view_submission(
        BRAND_EDIT,
        brand_values(name="GlowCo Beauty", website="https://www.glowco.com/beauty"),
        private_metadata=edit_metadata(brand),
    )

    assert moved.json["response_action"] == "errors"
    assert set(moved.json["errors"]) == {"website"}
    assert "2 projects already tell creators to trust glowco.com" in moved.json["errors"]["website"]
    assert (
        renamed.text == ""
    )  # same domain (a subdomain of the same site is a new domain, but shop.glowco.com…)
    (stored,) = await rows(server.sessions, BrandProfile)
    assert stored.name == "GlowCo Beauty"


async def test_an_admin_moving_a_used_brands_domain_is_told_in_each_projects_history_and_thread(
    server: RunningServer,
) -> None:
    brand, projects = await a_brand(server, used=True)
    server.fake.users[ADMIN] = {"id": ADMIN, "is_admin": True}

    answer = await server.slack.view_submission(
        BRAND_EDIT,
        brand_values(website="https://glowco.co.uk", contact_email="uk@glowco.co.uk"),
        private_metadata=edit_metadata(brand),
        user_id=ADMIN,
    )
    await server.settle()

    assert answer.text == ""
    changed = await rows(
        server.sessions, AuditEvent, col(AuditEvent.action) == "project.brand_domain_changed"
    )
    events = sorted(changed, key=lambda event: event.target_id)
    assert [(event.target_id, event.before, event.after) for event in events] == [
        (project.id, {"brand_domain": "glowco.com"}, {"brand_domain": "glowco.co.uk"}) for project in projects
    ]
    notices = [
        call
        for call in server.fake.of("chat.postMessage")
        if "changed the brand's website domain" in json.dumps(call.args)
    ]
    assert len(notices) == 2
    assert all("glowco.co.uk" in call.args["text"] for call in notices)
    await server.slack.command("history spring")
    (history,) = await server.fake.wait_for("respond")
    assert "moved the brand's website from glowco.com to glowco.co.uk" in json.dumps(
        history.args, ensure_ascii=False
    )


async def test_brand_urls_with_a_user_or_password_are_refused(server: RunningServer) -> None:
    answer = await server.slack.view_submission(
        BRAND_ADD,
        brand_values(
            website="https://www.glowco.com@evil.example",
            contact_email="partners@evil.example",
            logo_url="https://user:pass@www.glowco.com/logo.png",
        ),
        private_metadata=METADATA,
    )

    assert answer.json["response_action"] == "errors"
    assert "user name or password" in answer.json["errors"]["website"]
    assert "user name or password" in answer.json["errors"]["logo_url"]
    assert await rows(server.sessions, BrandProfile) == []


async def test_editing_an_account_renames_it_and_keeps_its_advertiser_id(
    server: RunningServer, spare_and_used: dict[str, Any]
) -> None:
    account = spare_and_used["spare_account"]
    await server.slack.block_action("ads_account_edit_open", value=str(account.id))
    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == ADS_ACCOUNT_EDIT
    assert [block.get("block_id") for block in view["blocks"] if block["type"] == "input"] == ["display_name"]

    answer = await server.slack.view_submission(
        ADS_ACCOUNT_EDIT,
        {"display_name": {"display_name": {"type": "plain_text_input", "value": "GlowCo EU"}}},
        private_metadata=view["private_metadata"],
    )

    assert answer.text == ""
    async with server.sessions() as session:
        renamed = await session.get(AdsAccount, account.id)
    assert renamed is not None
    assert (renamed.display_name, renamed.advertiser_id) == ("GlowCo EU", account.advertiser_id)
    (confirmation,) = await server.fake.wait_for("chat.postEphemeral")
    assert "Saved TikTok Ads Manager account" in confirmation.args["text"]


async def test_editing_an_anchor_checks_it_like_adding_and_saves_it(
    server: RunningServer, spare_and_used: dict[str, Any]
) -> None:
    anchor = spare_and_used["spare_anchor"]
    await server.slack.block_action("anchor_edit_open", value=str(anchor.id))
    (opened,) = await server.fake.wait_for("views.open")
    metadata = opened.args["view"]["private_metadata"]
    assert opened.args["view"]["callback_id"] == ANCHOR_EDIT

    bad = await server.slack.view_submission(
        ANCHOR_EDIT, anchor_values(url="not a url"), private_metadata=metadata
    )
    good = await server.slack.view_submission(
        ANCHOR_EDIT, anchor_values(name="New page"), private_metadata=metadata
    )

    assert bad.json["response_action"] == "errors" and "url" in bad.json["errors"]
    assert good.text == ""
    async with server.sessions() as session:
        saved = await session.get(Anchor, anchor.id)
    assert saved is not None and saved.name == "New page"
    assert json.loads(metadata)["channel_id"] == CHANNEL_ID
