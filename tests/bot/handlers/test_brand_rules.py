"""Who may change what creators trust: brand edits, the fixed domain of a used brand, URLs that
disguise their host, and workspace owners counting as admins. Through the real server."""

from __future__ import annotations

import json

from sqlmodel import col

from bot.blocks.assets import BRAND_ADD, BRAND_EDIT, EDIT_BRAND
from storage.models import AuditEvent, BrandProfile, LiteProject
from tests.bot.handlers.test_brands import METADATA, brand_audit, brand_values
from tests.factories import make_brand, make_project, make_workspace, rows
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID

CREATOR = USER_ID
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


async def test_a_workspace_owner_counts_as_an_admin(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_project(session, link_name="Summer glow", created_by=CREATOR)
    owner = "U0OWNER001"
    server.fake.users[owner] = {"id": owner, "is_admin": False, "is_owner": True}

    await server.slack.command("pause summer glow", user_id=owner)

    (reply,) = await server.fake.wait_for("respond")
    assert reply.args["text"].startswith("Paused")
