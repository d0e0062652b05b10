"""`/liteproject brand add`, `brands` and Edit, through the real server and the fake Slack."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col

from bot.blocks.assets import BRAND_ADD, BRAND_EDIT, EDIT_BRAND
from storage.models import AuditEvent, BrandProfile
from tests.factories import make_brand, make_workspace, rows
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID


async def test_brand_add_opens_the_add_brand_profile_modal(server: RunningServer) -> None:
    answer = await server.slack.command("brand add")

    assert answer.status == 200
    assert answer.text == ""
    (opened,) = await server.fake.wait_for("views.open")
    assert opened.args["trigger_id"].endswith(".trigger")
    view = opened.args["view"]
    assert view["callback_id"] == BRAND_ADD
    assert view["title"]["text"] == "Add brand profile"
    assert [block["block_id"] for block in view["blocks"]] == ["name", "website", "contact_email", "logo_url"]
    assert [block.get("optional", False) for block in view["blocks"]] == [False, False, False, True]
    assert "expect in emails" in json.dumps(view["blocks"])
    assert json.loads(view["private_metadata"]) == {"channel_id": CHANNEL_ID}


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


async def test_brands_without_any_says_how_to_add_one(server: RunningServer) -> None:
    answer = await server.slack.command("brands")

    assert answer.json["response_type"] == "ephemeral"
    assert answer.json["text"] == "No brand profiles yet. `/liteproject brand add` adds one."


async def test_brands_lists_each_profile_with_an_edit_button(server: RunningServer) -> None:
    await server.slack.view_submission(BRAND_ADD, brand_values(), private_metadata=METADATA)
    await server.slack.view_submission(
        BRAND_ADD,
        brand_values(name="Lumen <Labs>", website="lumen.io", contact_email="hi@lumen.io", logo_url=""),
        private_metadata=METADATA,
    )
    glowco, lumen = await rows(server.sessions, BrandProfile)

    answer = await server.slack.command("brands")

    body = answer.json
    assert body["response_type"] == "ephemeral"
    assert "GlowCo" in body["text"] and "Lumen" in body["text"]
    buttons = [block["accessory"] for block in body["blocks"] if "accessory" in block]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (EDIT_BRAND, str(glowco.id)),
        (EDIT_BRAND, str(lumen.id)),
    ]
    shown = json.dumps(body["blocks"])
    assert "glowco.com" in shown and "partners@glowco.com" in shown
    assert "Lumen &lt;Labs&gt;" in shown


async def test_brands_shows_only_this_workspaces_profiles(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_brand(session, workspace=await make_workspace(session, team_id=OTHER_TEAM), name="Theirs")

    answer = await server.slack.command("brands")

    assert "Theirs" not in answer.text
    assert answer.json["text"].startswith("No brand profiles yet.")


async def test_edit_opens_the_brand_modal_prefilled(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        brand = await make_brand(session, workspace=await make_workspace(session), name="GlowCo")

    answer = await server.slack.block_action(EDIT_BRAND, value=str(brand.id))

    assert answer.status == 200
    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == BRAND_EDIT
    assert view["title"]["text"] == "Edit brand profile"
    initial = {block["block_id"]: block["element"].get("initial_value") for block in view["blocks"]}
    assert initial == {
        "name": "GlowCo",
        "website": "https://www.glowco.com",
        "contact_email": "partners@glowco.com",
        "logo_url": None,
    }
    assert json.loads(view["private_metadata"]) == {"channel_id": CHANNEL_ID, "brand_id": brand.id}


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


async def test_the_edit_button_of_another_workspaces_brand_answers_not_found(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        theirs = await make_brand(
            session, workspace=await make_workspace(session, team_id=OTHER_TEAM), name="Theirs"
        )

    answer = await server.slack.block_action(EDIT_BRAND, value=str(theirs.id))

    assert answer.status == 200
    (said,) = await server.fake.wait_for("respond")
    assert "doesn't exist" in said.args["text"]
    assert server.fake.of("views.open") == []


async def test_brand_without_add_answers_with_its_usage(server: RunningServer) -> None:
    for text in ("brand", "brand remove GlowCo"):
        answer = await server.slack.command(text)

        assert answer.json["response_type"] == "ephemeral"
        assert "`/liteproject brand add` adds a brand profile" in answer.json["text"]
        assert "`/liteproject brands` lists them" in answer.json["text"]
    assert server.fake.of("views.open") == []


# --- helpers and payloads -----------------------------------------------------------------------


async def open_modal(server: RunningServer, text: str) -> dict[str, Any]:
    await server.slack.command(text)
    (opened,) = await server.fake.wait_for("views.open")
    view: dict[str, Any] = opened.args["view"]
    return view


async def brand_audit(server: RunningServer) -> list[AuditEvent]:
    return await rows(server.sessions, AuditEvent, col(AuditEvent.target_type) == "brand")


def text_value(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def brand_values(
    *,
    name: str = "GlowCo",
    website: str = "https://www.glowco.com",
    contact_email: str = "partners@glowco.com",
    logo_url: str = "https://www.glowco.com/logo.png",
) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "name": {"name": text_value(name)},
        "website": {"website": text_value(website)},
        "contact_email": {"contact_email": text_value(contact_email)},
        "logo_url": {"logo_url": text_value(logo_url)},
    }


OTHER_TEAM = "T0OTHER01"
METADATA = json.dumps({"channel_id": CHANNEL_ID})
ERRORS_OFF_DOMAIN = (
    "Use an address on glowco.com (e.g. partners@glowco.com): creators are told to expect emails from "
    "the brand's website domain."
)
