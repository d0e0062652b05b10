"""The composed invite message keeps the invite link, deadline and contact within Slack's limit."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bot.services.invites import BODY_LIMIT, fair_caps, shorten, slack_length
from storage.models import BrandProfile, LiteProject
from tests.factories import make_brand, make_project, make_workspace
from tests.harness.fake_slack import check_view
from tests.harness.server import RunningServer

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


def test_shorten_counts_escaped_characters() -> None:
    cut = shorten("&" * 100, 50)
    assert cut.endswith("…") and slack_length(cut) <= 50
    assert shorten("fits", 4) == "fits"


def test_fair_caps_keep_short_parts_whole() -> None:
    assert fair_caps([10, 5000, 3000], 2010) == [10, 1000, 1000]
    assert fair_caps([10, 20], 100) == [10, 20]
    assert sum(fair_caps([3000, 1000, 2000], BODY_LIMIT - 1000)) <= BODY_LIMIT - 1000
