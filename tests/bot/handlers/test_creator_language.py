"""A project's Creator language, set in Slack: create, Edit details and the invite message."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from storage.models import LiteProject
from tests.bot.handlers.test_projects import (
    a_project,
    create_values,
    manage_values,
    text_of,
)
from tests.factories import rows
from tests.harness.server import RunningServer


def language_value(tag: str) -> dict[str, Any]:
    return {"creator_language": {"value": {"type": "static_select", "selected_option": {"value": tag}}}}


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
