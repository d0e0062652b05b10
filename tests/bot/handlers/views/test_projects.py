"""The project modals' submissions: create, manage (edit, rename, move) and the invite message, with
the creator language, through the real server."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest

from bot.shedding import WORK_LIMIT_KEY
from storage.models import AuditEvent, BrandProfile, LiteProject, OutboxMessage
from tests.bot.handlers.helpers import (
    FUTURE_DEADLINE,
    a_project,
    card_ts,
    create_through_modal,
    create_values,
    manage_values,
    text_of,
)
from tests.factories import make_ads_account, make_brand, make_project, make_workspace, rows
from tests.harness.fake_slack import check_view
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID


def language_value(tag: str) -> dict[str, Any]:
    return {"creator_language": {"value": {"type": "static_select", "selected_option": {"value": tag}}}}


DEADLINE = dt.date(2031, 12, 9)


async def compose(server: RunningServer, project: LiteProject, *, name: str, email: str) -> dict[str, Any]:
    answer = await server.slack.view_submission(
        "project_invite_message",
        {
            "sender_name": {"value": {"type": "plain_text_input", "value": name}},
            "sender_email": {"value": {"type": "plain_text_input", "value": email}},
            "style": {"value": {"type": "radio_buttons", "selected_option": {"value": "email"}}},
        },
        private_metadata=json.dumps({"project_id": project.id}),
    )
    assert answer.json["response_action"] == "update"
    view: dict[str, Any] = answer.json["view"]
    assert check_view(view) is None
    return view


def message_section(view: dict[str, Any]) -> str:
    (text,) = [
        block["text"]["text"]
        for block in view["blocks"]
        if block["type"] == "section" and block["text"]["text"].startswith("*Message*")
    ]
    return str(text)


def day_words(day: dt.date) -> str:
    """How people write a date: "Dec 7" (", 2027" when it isn't this year)."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    year = f", {day.year}" if day.year != dt.date.today().year else ""
    return f"{months[day.month - 1]} {day.day}{year}"


async def test_create_offers_every_language_and_stores_the_choice(
    server: RunningServer,
    assets: dict[str, int],
) -> None:
    await server.slack.command("create")
    (opened,) = await server.fake.wait_for("views.open")
    block = next(b for b in opened.args["view"]["blocks"] if b.get("block_id") == "creator_language")
    options = {option["value"]: option["text"]["text"] for option in block["element"]["options"]}

    answer = await server.slack.view_submission(
        "project_create", create_values(assets) | language_value("pt-BR")
    )

    assert block["optional"] is True
    assert block["element"]["initial_option"]["value"] == "auto"
    assert options["auto"] == "Each creator's phone language"
    assert options["pt-BR"] == "Portuguese (Brazil) · Português (Brasil)"
    assert options["ar"] == "Arabic · العربية" and options["en"] == "English"
    assert answer.json["response_action"] == "update"
    (project,) = await rows(server.sessions, LiteProject)
    assert project.creator_language == "pt-BR"


async def test_a_language_without_a_catalog_is_refused_inline(
    server: RunningServer,
    assets: dict[str, int],
) -> None:
    answer = await server.slack.view_submission(
        "project_create", create_values(assets) | language_value("xx")
    )

    assert answer.json == {
        "response_action": "errors",
        "errors": {"creator_language": "Choose one of the languages in the list."},
    }
    assert await rows(server.sessions, LiteProject) == []


async def test_edit_details_shows_and_changes_the_creator_language(server: RunningServer) -> None:
    project = await a_project(server, link_name="Summer glow", creator_language="ja")
    await server.slack.command("show summer glow")
    (shown,) = await server.fake.wait_for("respond")
    assert "*Creator language*\\nJapanese" in text_of(shown.args["blocks"])

    await server.slack.command("edit summer glow")
    (opened,) = await server.fake.wait_for("views.open")
    block = next(b for b in opened.args["view"]["blocks"] if b.get("block_id") == "creator_language")
    values = manage_values(link_name="Summer glow", accounts=[]) | language_value("auto")
    values.pop("ads_accounts")
    answer = await server.slack.view_submission(
        "project_manage", values, private_metadata=opened.args["view"]["private_metadata"]
    )

    assert block["element"]["initial_option"]["value"] == "ja"
    assert answer.status == 200, answer.text
    assert "let each creator's phone choose the pages' language" in json.dumps(answer.json)
    (updated,) = await rows(server.sessions, LiteProject)
    assert updated.id == project.id and updated.creator_language == ""


async def test_the_invite_message_is_written_in_the_creator_language(server: RunningServer) -> None:
    project = await a_project(
        server, link_name="Summer glow", creator_language="pt-BR", deadline=dt.date(2031, 12, 1)
    )

    answer = await server.slack.view_submission(
        "project_invite_message",
        {
            "sender_name": {"value": {"type": "plain_text_input", "value": "Maya Chen"}},
            "sender_email": {"value": {"type": "plain_text_input", "value": "maya@glowco.com"}},
            "style": {"value": {"type": "radio_buttons", "selected_option": {"value": "email"}}},
        },
        private_metadata=json.dumps({"project_id": project.id}),
    )

    text = text_of(answer.json["view"]["blocks"])
    assert "Oi! Sou Maya Chen, da GlowCo" in text
    assert "Adoraríamos trabalhar com você em “Summer glow”" in text
    assert "Prazo: 1 de dezembro de 2031" in text  # Babel's long date in Portuguese
    # the same TikTok tips: ad authorization, the spark code, and how to check it's the brand
    assert "Ative a autorização de anúncio por 30 dias ou mais e inclua o código Spark do vídeo" in text
    assert "Para confirmar que este convite é mesmo nosso, fale com partners@glowco.com" in text
    assert project.invite_token in text
    # the brand's words stay as written, and the team's warnings stay in the team's language
    assert "A vitamin C serum for sensitive skin" in text
    assert "Subject" in text and "GlowCo" in text and "× você: Summer glow" in text


@pytest.mark.parametrize("filler", ["x", "&"])
async def test_every_field_at_its_maximum_keeps_link_deadline_and_contact(
    server: RunningServer, filler: str
) -> None:
    contact = "c" * 64 + "@" + "d" * 185 + ".com"  # the column's 254 characters
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        brand: BrandProfile = await make_brand(
            session,
            workspace=workspace,
            name="B" * 100,
            website="https://www.glowco.com/" + "w" * 477,
            contact_email="partners@" + "g" * 241 + ".com",
        )
        project = await make_project(session, workspace=workspace, brand=brand, deadline=DEADLINE)
        project.link_name = "L" * 100
        project.description = filler * 3000
        project.deliverable = "D" * 1000
        project.requirements = "R" * 2000
        project.contact = contact

    view = await compose(server, project, name="N" * 100, email="maya@" + "m" * 245 + ".com")

    section = message_section(view)
    assert len(section) <= 3000
    assert f"/i/{project.invite_token}" in section
    assert "Deadline: December 9, 2031" in section
    assert f"contact {contact} or look us up at {brand.website}." in section
    assert section.endswith("Thanks, " + "N" * 100 + "```")
    assert "…" in section
    warnings = json.dumps(view["blocks"], ensure_ascii=False)
    assert "description, deliverable and key requirements were shortened" in warnings


async def test_a_short_brief_is_kept_whole_and_not_called_shortened(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, deadline=DEADLINE)

    view = await compose(server, project, name="Maya Chen", email="maya@glowco.com")

    section = message_section(view)
    assert project.description in section and "…" not in section
    assert "shortened" not in json.dumps(view["blocks"])


async def test_only_the_long_description_is_cut_when_the_rest_fits(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, deadline=DEADLINE)
        project.description = "A" * 3000

    view = await compose(server, project, name="Maya Chen", email="maya@glowco.com")

    section = message_section(view)
    assert "A" * 1000 in section and "A" * 3000 not in section
    assert "One 30-60 s video showing your morning routine" in section
    assert "Mention #GlowCoPartner; show the bottle in the first 3 s" in section
    assert "project's description was shortened" in json.dumps(view["blocks"], ensure_ascii=False)


async def test_create_stores_the_project_and_posts_the_invite_card(
    server: RunningServer, assets: dict[str, int]
) -> None:
    answer = await create_through_modal(server, assets)

    assert answer.status == 200
    assert answer.json["response_action"] == "update"
    (project,) = await rows(server.sessions, LiteProject)
    invite_url = f"{server.url}/i/{project.invite_token}"
    assert invite_url in text_of(answer.json["view"])
    assert project.link_name == "Summer glow"
    assert project.authorization_days == 30
    assert project.deadline == FUTURE_DEADLINE
    assert len(project.invite_token) >= 32  # 192 random bits, URL-safe

    await server.settle()
    (card,) = server.fake.of("chat.postMessage")
    assert card.args["channel"] == CHANNEL_ID
    assert invite_url in card.args["text"]
    actions = next(block for block in card.args["blocks"] if block["type"] == "actions")
    assert [element["text"]["text"] for element in actions["elements"]] == [
        "Copy invite link",
        "Manage project link",
        "Pause",
        "Add videos",
        "Videos",
        "Performance",
    ]
    (audit,) = await rows(server.sessions, AuditEvent)
    assert (audit.action, audit.actor) == ("project.created", USER_ID)
    async with server.sessions() as session:
        refreshed = await session.get(LiteProject, project.id)
    assert refreshed is not None and refreshed.card_ts == card_ts(server)


async def work_done(server: RunningServer) -> None:
    """Wait until every listener run, with its work after the ack, has finished."""
    limit = server.runner.app[WORK_LIMIT_KEY]
    while limit.in_progress:
        await asyncio.sleep(0.01)


async def test_a_create_by_someone_who_never_opened_home_publishes_nothing(
    server: RunningServer, assets: dict[str, int]
) -> None:
    answer = await create_through_modal(server, assets)
    await work_done(server)

    assert answer.json["response_action"] == "update"
    assert server.fake.of("views.publish") == []


async def test_a_create_by_someone_who_opened_home_republishes_it_with_the_project(
    server: RunningServer, assets: dict[str, int]
) -> None:
    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})
    (opened,) = await server.fake.wait_for("views.publish")
    assert "Summer glow" not in text_of(opened.args["view"])

    answer = await create_through_modal(server, assets)
    await work_done(server)

    assert answer.json["response_action"] == "update"
    _opened_again, second = server.fake.of("views.publish")
    assert second.args["user_id"] == USER_ID
    assert "Summer glow" in text_of(second.args["view"])


async def test_bad_create_input_points_at_each_field_and_stores_nothing(
    server: RunningServer, assets: dict[str, int]
) -> None:
    answer = await create_through_modal(
        server,
        assets,
        link_name="   ",
        deadline="2020-01-01",
        contact="call me maybe",
        ads_accounts=[],
        authorization_days="14",
    )

    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {
        "link_name",
        "deadline",
        "contact",
        "ads_accounts",
        "authorization_days",
    }
    assert "past" in answer.json["errors"]["deadline"]
    assert await rows(server.sessions, LiteProject) == []
    assert await rows(server.sessions, AuditEvent) == []
    assert await rows(server.sessions, OutboxMessage) == []


async def test_create_refuses_assets_of_another_workspace(
    server: RunningServer, assets: dict[str, int]
) -> None:
    async with server.sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        foreign_brand = await make_brand(session, workspace=other, name="Rival")

    answer = await create_through_modal(server, assets, brand=str(foreign_brand.id))

    assert answer.json["errors"] == {"brand": "Choose one of your brand profiles."}
    assert await rows(server.sessions, LiteProject) == []


async def test_edit_details_changes_editable_fields_and_updates_the_card(
    server: RunningServer, assets: dict[str, int]
) -> None:
    await create_through_modal(server, assets)
    await server.settle()
    (project,) = await rows(server.sessions, LiteProject)

    await server.slack.command("edit summer glow")
    opened = (await server.fake.wait_for("views.open", 2))[1]
    assert opened.args["view"]["callback_id"] == "project_manage"
    assert "can't be changed after creation" in text_of(opened.args["view"]["blocks"])
    values = manage_values(
        link_name="Summer glow 2026", description="New positioning", accounts=[assets["account"]]
    )
    answer = await server.slack.view_submission(
        "project_manage", values, private_metadata=opened.args["view"]["private_metadata"]
    )

    assert answer.status == 200 and answer.json["response_action"] == "update"
    saved = text_of(answer.json["view"]["blocks"])
    assert "you renamed the project from “Summer glow” to “Summer glow 2026”" in saved
    assert "updated the description" in saved and "removed the deadline" in saved
    (updated,) = await rows(server.sessions, LiteProject)
    assert (updated.link_name, updated.description) == ("Summer glow 2026", "New positioning")
    assert updated.brand_id == project.brand_id
    (update,) = await server.fake.wait_for("chat.update")
    assert update.args["ts"] == project.card_ts == card_ts(server)
    assert "Summer glow 2026" in update.args["text"]
    audits = [event.action for event in await rows(server.sessions, AuditEvent)]
    assert audits == ["project.created", "project.updated"]


async def test_a_crafted_edit_cannot_change_the_brand(server: RunningServer, assets: dict[str, int]) -> None:
    project = await a_project(server)
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        other_brand = await make_brand(session, workspace=workspace, name="Other brand")
    values = manage_values(link_name="Hijacked", accounts=[assets["account"]])
    values["brand"] = {"value": {"type": "static_select", "selected_option": {"value": str(other_brand.id)}}}

    answer = await server.slack.view_submission(
        "project_manage", values, private_metadata=json.dumps({"project_id": project.id})
    )

    assert answer.json["response_action"] == "errors"
    assert answer.json["errors"] == {"brand": "The brand can't be changed after creation."}
    (unchanged,) = await rows(server.sessions, LiteProject)
    assert (unchanged.brand_id, unchanged.link_name) == (project.brand_id, project.link_name)


async def test_an_edit_with_a_forged_project_of_another_workspace_is_refused(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        foreign = await make_project(session, workspace=other, link_name="Theirs")
        account = await make_ads_account(session, workspace=await make_workspace(session))

    answer = await server.slack.view_submission(
        "project_manage",
        manage_values(link_name="Mine now", accounts=[account.id]),  # type: ignore[list-item]
        private_metadata=json.dumps({"project_id": foreign.id}),
    )

    assert answer.json["response_action"] == "errors"
    (theirs,) = [p for p in await rows(server.sessions, LiteProject) if p.id == foreign.id]
    assert theirs.link_name == "Theirs"


async def test_bad_edit_input_is_shown_inline(server: RunningServer, assets: dict[str, int]) -> None:
    project = await a_project(server)

    answer = await server.slack.view_submission(
        "project_manage",
        manage_values(link_name="x" * 101, contact="not a contact", accounts=[]),
        private_metadata=json.dumps({"project_id": project.id}),
    )

    assert set(answer.json["errors"]) == {"link_name", "contact", "ads_accounts"}
    (unchanged,) = await rows(server.sessions, LiteProject)
    assert unchanged.link_name == project.link_name


async def test_invite_message_is_composed_and_warns_about_free_mail(server: RunningServer) -> None:
    project = await a_project(server, link_name="Summer glow", deadline=FUTURE_DEADLINE)

    answer = await server.slack.view_submission(
        "project_invite_message",
        {
            "sender_name": {"value": {"type": "plain_text_input", "value": "Maya Chen"}},
            "sender_email": {"value": {"type": "plain_text_input", "value": "maya.chen@gmail.com"}},
            "style": {"value": {"type": "radio_buttons", "selected_option": {"value": "email"}}},
        },
        private_metadata=json.dumps({"project_id": project.id}),
    )

    assert answer.json["response_action"] == "update"
    text = text_of(answer.json["view"]["blocks"])
    assert "free-mail" in text
    for expected in (
        "Maya Chen",
        "Summer glow",
        "One 30-60 s video",
        "Mention #GlowCoPartner",
        project.invite_token,
    ):
        assert expected in text


async def test_a_name_that_differs_only_in_case_and_spaces_is_refused_inline_on_create(
    server: RunningServer, assets: dict[str, int]
) -> None:
    first = await create_through_modal(server, assets, link_name="Summer Launch")
    assert first.json["response_action"] == "update"

    answer = await server.slack.view_submission(
        "project_create", create_values(assets, link_name="  summer launch ")
    )

    assert answer.json["response_action"] == "errors"
    assert "There is already a project called “Summer Launch”" in answer.json["errors"]["link_name"]
    assert [project.link_name for project in await rows(server.sessions, LiteProject)] == ["Summer Launch"]


async def test_renaming_to_a_name_another_project_has_is_refused_inline(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        await make_project(session, workspace=workspace, link_name="Summer Launch")
        other = await make_project(session, workspace=workspace, link_name="Winter")

    answer = await server.slack.view_submission(
        "project_manage",
        {"link_name": {"value": {"type": "plain_text_input", "value": "SUMMER launch"}}},
        private_metadata=json.dumps({"project_id": other.id}),
    )

    assert answer.json["response_action"] == "errors"
    assert "“Summer Launch”" in answer.json["errors"]["link_name"]
    assert sorted(p.link_name for p in await rows(server.sessions, LiteProject)) == [
        "Summer Launch",
        "Winter",
    ]


async def test_edit_details_notes_the_change_in_words_in_the_cards_thread(
    server: RunningServer, assets: dict[str, int]
) -> None:
    first, moved = dt.date.today() + dt.timedelta(days=10), dt.date.today() + dt.timedelta(days=12)
    await create_through_modal(server, assets, deadline=first.isoformat())
    await server.settle()
    (project,) = await rows(server.sessions, LiteProject)
    values: dict[str, dict[str, dict[str, Any]]] = {
        "deadline": {"value": {"type": "datepicker", "selected_date": moved.isoformat()}},
        "managers": {"value": {"type": "multi_users_select", "selected_users": ["U0BOB0001"]}},
    }

    answer = await server.slack.view_submission(
        "project_manage", values, private_metadata=json.dumps({"project_id": project.id})
    )
    await server.settle()

    saved = text_of(answer.json["view"]["blocks"])
    assert f"you moved the deadline from {day_words(first)} to {day_words(moved)}" in saved
    (note,) = [call for call in server.fake.of("chat.postMessage") if call.args.get("thread_ts")]
    assert note.args["thread_ts"] == card_ts(server)
    line = note.args["text"]
    assert f"<@{USER_ID}> moved the deadline from {day_words(first)} to {day_words(moved)}" in line
    assert "and added <@U0BOB0001> as a project manager" in line
    assert "deadline:" not in line and "managers" not in line  # words, not field names


async def test_moving_the_channel_leaves_a_note_on_the_old_card_and_posts_the_card_in_the_new_one(
    server: RunningServer, assets: dict[str, int]
) -> None:
    await create_through_modal(server, assets)
    await server.settle()
    (project,) = await rows(server.sessions, LiteProject)
    values = {"channel": {"value": {"type": "conversations_select", "selected_conversation": "C0GIFTS01"}}}

    await server.slack.view_submission(
        "project_manage", values, private_metadata=json.dumps({"project_id": project.id})
    )
    await server.settle()

    (old_card,) = [call for call in server.fake.of("chat.update") if call.args["ts"] == project.card_ts]
    assert old_card.args["channel"] == CHANNEL_ID
    assert "moved to <#C0GIFTS01>" in text_of(old_card.args["blocks"])
    new_cards = [c for c in server.fake.of("chat.postMessage") if c.args["channel"] == "C0GIFTS01"]
    assert any(block["type"] == "actions" for block in new_cards[0].args["blocks"])
    assert "moved the project to <#C0GIFTS01>" in text_of([c.args["text"] for c in new_cards])
