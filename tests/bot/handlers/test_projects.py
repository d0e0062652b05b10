"""Lite projects through the real server and the fake Slack: create, link, edit, pause, list, home."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from storage.models import AuditEvent, LiteProject, OutboxMessage
from tests.factories import make_ads_account, make_brand, make_project, make_workspace, rows
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID


async def create_through_modal(server: RunningServer, assets: dict[str, int], **overrides: Any) -> Any:
    await server.slack.command("create")
    (opened,) = await server.fake.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "project_create"
    return await server.slack.view_submission("project_create", create_values(assets, **overrides))


# --- create ---------------------------------------------------------------------------------


async def test_create_modal_has_every_field_and_defaults_the_channel(
    server: RunningServer, assets: dict[str, int]
) -> None:
    await server.slack.command("create")

    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    block_ids = [block.get("block_id") for block in view["blocks"]]
    assert block_ids == [
        "link_name",
        "brand",
        "authorization_days",
        "anchor",
        "ads_accounts",
        "description",
        "deliverable",
        "requirements",
        "deadline",
        "contact",
        "channel",
        "creator_language",
    ]
    channel = next(block for block in view["blocks"] if block["block_id"] == "channel")
    assert channel["element"]["initial_conversation"] == CHANNEL_ID
    periods = next(block for block in view["blocks"] if block["block_id"] == "authorization_days")
    assert [option["value"] for option in periods["element"]["options"]] == ["7", "30", "60", "365"]
    assert "Can't be changed after the project is created" in periods["hint"]["text"]


async def test_create_modal_without_assets_says_what_to_add_first(server: RunningServer) -> None:
    await server.slack.command("create")

    (opened,) = await server.fake.wait_for("views.open")
    view = opened.args["view"]
    assert "submit" not in view
    text = text_of(view["blocks"])
    assert (
        "/liteproject brand add" in text
        and "/liteproject anchor add" in text
        and "/liteproject account add" in text
    )


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


async def test_create_from_the_home_tab_opens_the_modal(
    server: RunningServer, assets: dict[str, int]
) -> None:
    await server.slack.block_action("home_create_project", view={"id": "VHOME", "type": "home"})

    (opened,) = await server.fake.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "project_create"


# --- link, show, list --------------------------------------------------------------------------


async def test_link_answers_the_link_alone_and_offers_an_invite_message(server: RunningServer) -> None:
    project = await a_project(server, link_name="Summer glow")

    await server.slack.command("link summer")

    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["text"] == f"{server.url}/i/{project.invite_token}"
    assert f"```{server.url}/i/{project.invite_token}```" in text_of(answer.args["blocks"])
    assert "project_compose_invite" in text_of(answer.args["blocks"])


async def test_copy_invite_link_button_answers_ephemerally(server: RunningServer) -> None:
    project = await a_project(server)

    await server.slack.block_action("project_copy_link", value=str(project.id))

    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["text"] == f"{server.url}/i/{project.invite_token}"


async def test_show_gives_every_field_and_the_buttons(server: RunningServer) -> None:
    project = await a_project(server, link_name="Summer glow", deadline=FUTURE_DEADLINE)

    await server.slack.command("show Summer glow")

    (answer,) = await server.fake.wait_for("respond")
    text = text_of(answer.args["blocks"])
    for expected in (
        "30 days",
        "Serum page",
        "GlowCo US",
        "partners@glowco.com",
        "Mention #GlowCoPartner",
        project.invite_token,
    ):
        assert expected in text
    assert "project_manage" in text and "project_pause" in text


async def test_unknown_project_answers_with_recent_ones(server: RunningServer) -> None:
    await a_project(server, link_name="Summer glow")

    await server.slack.command("show winter")

    (answer,) = await server.fake.wait_for("respond")
    assert "No project is called “winter”" in answer.args["text"]
    assert "Summer glow" in answer.args["text"]


async def test_ambiguous_prefix_lists_the_candidates(server: RunningServer) -> None:
    await a_project(server, link_name="Summer glow")
    await a_project(server, link_name="Summer shine")

    await server.slack.command("show summer")

    (answer,) = await server.fake.wait_for("respond")
    assert "More than one project" in answer.args["text"]
    assert "Summer glow" in answer.args["text"] and "Summer shine" in answer.args["text"]


async def test_list_pages_past_the_first_ten(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        for number in range(12):
            await make_project(session, workspace=workspace, link_name=f"Project {number:02d}")

    answer = await server.slack.command("list")
    first = answer.json  # the listing is the ack itself
    assert first["response_type"] == "ephemeral"
    assert "1–10 of 12" in text_of(first["blocks"])
    next_button = find_element(first["blocks"], "project_list_page_next")

    await server.slack.block_action("project_list_page_next", value=next_button["value"])

    (second,) = await server.fake.wait_for("respond")
    assert "11–12 of 12" in text_of(second.args["blocks"])
    assert "Project 00" in second.args["text"]


async def test_list_of_an_empty_workspace_says_how_to_start(server: RunningServer) -> None:
    answer = await server.slack.command("list")

    assert "/liteproject create" in answer.json["text"]


# --- edit ---------------------------------------------------------------------------------------


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


# --- pause and resume -----------------------------------------------------------------------------


async def test_pause_and_resume_post_notices_and_update_the_card(
    server: RunningServer, assets: dict[str, int]
) -> None:
    await create_through_modal(server, assets)
    await server.settle()

    await server.slack.command("pause summer glow")
    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["text"].startswith("Paused “Summer glow”")
    notice = (await server.fake.wait_for("chat.postMessage", 2))[1]
    assert "creators can't deliver videos to this link until it is resumed" in notice.args["text"]
    assert notice.args["thread_ts"] == card_ts(server) and notice.args["reply_broadcast"] is True
    (update,) = await server.fake.wait_for("chat.update")
    assert "paused" in update.args["text"]
    assert "project_resume" in text_of(update.args["blocks"])

    await server.slack.command("pause summer glow")
    again = (await server.fake.wait_for("respond", 2))[1]
    assert again.args["text"] == "“Summer glow” is already paused; nothing changed."

    await server.slack.command("resume summer glow")
    resumed = (await server.fake.wait_for("respond", 3))[2]
    assert resumed.args["text"].startswith("Resumed “Summer glow”")
    resume_notice = (await server.fake.wait_for("chat.postMessage", 3))[2]
    assert "resumed" in resume_notice.args["text"]
    (project,) = await rows(server.sessions, LiteProject)
    assert project.active is True
    actions = [event.action for event in await rows(server.sessions, AuditEvent)]
    assert actions == ["project.created", "project.paused", "project.resumed"]
    assert len(server.fake.of("chat.postMessage")) == 3  # the repeated pause posted nothing


async def test_pause_button_on_the_card(server: RunningServer) -> None:
    project = await a_project(server)

    await server.slack.block_action("project_pause", value=str(project.id))

    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["text"].startswith("Paused")
    (stored_project,) = await rows(server.sessions, LiteProject)
    assert stored_project.active is False


async def test_the_switch_in_the_manage_modal_pauses_and_redraws_it(server: RunningServer) -> None:
    project = await a_project(server)

    await server.slack.block_action(
        "project_manage_toggle",
        value=f"{project.id}:off",
        view={"id": "V0MANAGE", "hash": "h1", "type": "modal"},
    )

    (update,) = await server.fake.wait_for("views.update")
    assert update.args["view_id"] == "V0MANAGE"
    assert "Active invite link: off" in text_of(update.args["view"]["blocks"])
    (stored_project,) = await rows(server.sessions, LiteProject)
    assert stored_project.active is False


async def test_buttons_with_a_project_of_another_workspace_are_refused(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        foreign = await make_project(session, workspace=other)

    await server.slack.block_action("project_pause", value=str(foreign.id))

    (answer,) = await server.fake.wait_for("respond")
    assert "isn't in this workspace" in answer.args["text"]
    (theirs,) = await rows(server.sessions, LiteProject)
    assert theirs.active is True


# --- App Home ---------------------------------------------------------------------------------


async def test_home_lists_projects_newest_first_with_their_buttons(server: RunningServer) -> None:
    await a_project(server, link_name="Older one")
    await a_project(server, link_name="Newer one", active=False)

    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})

    (publish,) = await server.fake.wait_for("views.publish")
    text = text_of(publish.args["view"]["blocks"])
    assert text.index("Newer one") < text.index("Older one")
    assert "home_create_project" in text
    assert "project_resume" in text and "project_pause" in text


async def test_copy_invite_link_from_home_opens_a_small_modal(server: RunningServer) -> None:
    project = await a_project(server)

    await server.slack.block_action(
        "project_copy_link", value=str(project.id), view={"id": "VHOME", "type": "home"}
    )

    (opened,) = await server.fake.wait_for("views.open")
    assert project.invite_token in text_of(opened.args["view"]["blocks"])


# --- invite message -----------------------------------------------------------------------------


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


# --- helpers and payloads -------------------------------------------------------------------------

FUTURE_DEADLINE = dt.date.today() + dt.timedelta(days=30)


async def a_project(server: RunningServer, **kwargs: Any) -> LiteProject:
    async with server.sessions.begin() as session:
        return await make_project(session, workspace=await make_workspace(session), **kwargs)


def text_of(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def card_ts(server: RunningServer) -> str:
    """The ts the fake gave the first message posted (the invite card)."""
    return str(server.fake.of("chat.postMessage")[0].answer["ts"])


def find_element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} in {blocks}")


def create_values(assets: dict[str, int], **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "link_name": "Summer glow",
        "brand": str(assets["brand"]),
        "authorization_days": "30",
        "anchor": str(assets["anchor"]),
        "ads_accounts": [str(assets["account"])],
        "description": "Vitamin C serum for sensitive skin",
        "deliverable": "One 30-60 s video",
        "requirements": "Show the bottle",
        "deadline": FUTURE_DEADLINE.isoformat(),
        "contact": "partners@glowco.com",
        "channel": CHANNEL_ID,
        **overrides,
    }
    return {
        "link_name": {"value": {"type": "plain_text_input", "value": fields["link_name"]}},
        "brand": {"value": {"type": "static_select", "selected_option": {"value": fields["brand"]}}},
        "authorization_days": {
            "value": {"type": "static_select", "selected_option": {"value": fields["authorization_days"]}}
        },
        "anchor": {"value": {"type": "static_select", "selected_option": {"value": fields["anchor"]}}},
        "ads_accounts": {
            "value": {
                "type": "multi_static_select",
                "selected_options": [{"value": v} for v in fields["ads_accounts"]],
            }
        },
        "description": {"value": {"type": "plain_text_input", "value": fields["description"]}},
        "deliverable": {"value": {"type": "plain_text_input", "value": fields["deliverable"]}},
        "requirements": {"value": {"type": "plain_text_input", "value": fields["requirements"]}},
        "deadline": {"value": {"type": "datepicker", "selected_date": fields["deadline"]}},
        "contact": {"value": {"type": "plain_text_input", "value": fields["contact"]}},
        "channel": {"value": {"type": "conversations_select", "selected_conversation": fields["channel"]}},
    }


def manage_values(
    *, link_name: str, accounts: list[int], description: str = "Same", contact: str = "partners@glowco.com"
) -> dict[str, Any]:
    return {
        "link_name": {"value": {"type": "plain_text_input", "value": link_name}},
        "description": {"value": {"type": "plain_text_input", "value": description}},
        "ads_accounts": {
            "value": {
                "type": "multi_static_select",
                "selected_options": [{"value": str(a)} for a in accounts],
            }
        },
        "deliverable": {"value": {"type": "plain_text_input", "value": "One video"}},
        "requirements": {"value": {"type": "plain_text_input", "value": None}},
        "deadline": {"value": {"type": "datepicker", "selected_date": None}},
        "contact": {"value": {"type": "plain_text_input", "value": contact}},
        "channel": {"value": {"type": "conversations_select", "selected_conversation": CHANNEL_ID}},
    }


# --- names that stay usable -------------------------------------------------------------------


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


# --- every change visible where it happened ---------------------------------------------------


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


def day_words(day: dt.date) -> str:
    """How people write a date: "Dec 7" (", 2027" when it isn't this year)."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    year = f", {day.year}" if day.year != dt.date.today().year else ""
    return f"{months[day.month - 1]} {day.day}{year}"


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
