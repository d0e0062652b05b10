"""What the handler tests share: the modals' field values as Slack sends them, the flows that open
and submit them, and the rows and calls several surfaces check."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import aiohttp
from sqlmodel import col, select

from bot.portal.routes import FORM_TOKENS_KEY
from storage.models import AuditEvent, LiteProject, ReviewState, Video, VideoSource, VideoStatus
from tests.factories import make_project, make_video, make_workspace, rows
from tests.harness.fake_slack import Call
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID


def account_values(
    *, advertiser_id: str = "7123456789012345678", display_name: str = "GlowCo US"
) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "advertiser_id": {"advertiser_id": {"type": "plain_text_input", "value": advertiser_id}},
        "display_name": {"display_name": {"type": "plain_text_input", "value": display_name}},
    }


METADATA = json.dumps({"channel_id": CHANNEL_ID})


def select_value(value: str | None) -> dict[str, Any]:
    option = {"value": value, "text": {"type": "plain_text", "text": value}} if value else None
    return {"type": "static_select", "selected_option": option}


def optional_text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value or None}


def anchor_values(
    *,
    kind: str | None = "webpage",
    name: str = "Serum launch",
    country: str | None = "US",
    url: str = "https://www.glowco.com/serum",
    ios_url: str = "",
    android_url: str = "",
    product_id: str = "",
) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "kind": {"kind": select_value(kind)},
        "name": {"name": optional_text(name)},
        "country": {"country": select_value(country)},
        "url": {"url": optional_text(url)},
        "ios_url": {"ios_url": optional_text(ios_url)},
        "android_url": {"android_url": optional_text(android_url)},
        "product_id": {"product_id": optional_text(product_id)},
    }


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
CREATOR = USER_ID


async def reload(server: RunningServer, project: LiteProject) -> LiteProject:
    async with server.sessions() as session:
        stored = await session.get(LiteProject, project.id)
    assert stored is not None
    return stored


async def open_home(server: RunningServer, count: int = 1) -> dict[str, Any]:
    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})
    view: dict[str, Any] = (await server.fake.wait_for("views.publish", count))[-1].args["view"]
    return view


async def project_with_one_video(server: RunningServer) -> LiteProject:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        await make_video(session, project=project, creator_handle="old.friend", tiktok_video_id=EXISTING)
        return project


async def open_paste_modal(server: RunningServer) -> dict[str, Any]:
    await server.slack.command("add-videos Summer glow")
    (opened,) = await server.fake.wait_for("views.open")
    return dict(opened.args["view"])


async def paste(server: RunningServer, project: LiteProject, text: str) -> Any:
    return await server.slack.view_submission(
        "linking_paste",
        {"urls": {"urls": {"type": "plain_text_input", "value": text}}},
        private_metadata=json.dumps({"project_id": project.id}),
    )


async def select_and_confirm(server: RunningServer, view: dict[str, Any], keys: list[str]) -> Any:
    groups = [block["block_id"] for block in view["blocks"] if block["type"] == "input"]
    values: dict[str, dict[str, dict[str, Any]]] = {
        groups[0]: {"videos": {"type": "checkboxes", "selected_options": [{"value": key} for key in keys]}},
        **{block_id: {"videos": {"type": "checkboxes", "selected_options": []}} for block_id in groups[1:]},
    }
    return await server.slack.view_submission(
        "linking_select", values, private_metadata=view["private_metadata"]
    )


EXISTING = "7301234567890120000"
VIDEO_A = "7301234567890123456"
VIDEO_B = "7301234567890123457"
VIDEO_C = "7301234567890123458"
MIXED = "\n".join(
    [
        f"https://www.tiktok.com/@glow.maker/video/{VIDEO_A}?is_from_webapp=1&sender_device=pc",
        f"https://www.tiktok.com/embed/v2/{VIDEO_B} @glow.maker",
        "https://www.tiktok.com/@glow.maker/photo/7301234567890123999",
        f"https://www.tiktok.com/@old.friend/video/{EXISTING}",
        f"https://www.tiktok.com/@sun.daze/video/{VIDEO_C}",
        f"https://www.tiktok.com/@glow.maker/video/{VIDEO_A}",
    ]
)


async def create_through_modal(server: RunningServer, assets: dict[str, int], **overrides: Any) -> Any:
    await server.slack.command("create")
    (opened,) = await server.fake.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "project_create"
    return await server.slack.view_submission("project_create", create_values(assets, **overrides))


FUTURE_DEADLINE = dt.date.today() + dt.timedelta(days=30)


async def a_project(server: RunningServer, **kwargs: Any) -> LiteProject:
    async with server.sessions.begin() as session:
        return await make_project(session, workspace=await make_workspace(session), **kwargs)


def text_of(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def card_ts(server: RunningServer) -> str:
    """The ts the fake gave the first message posted (the invite card)."""
    return str(server.fake.of("chat.postMessage")[0].answer["ts"])


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


VIDEO_ID = "7301234567890123456"
URL = f"https://www.tiktok.com/@glow.maker/video/{VIDEO_ID}"
CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
CARD_TS = "1700000000.000100"


async def project_with_card(server: RunningServer, **kwargs: Any) -> LiteProject:
    """A project whose card is already in its channel, so its events go in the card's thread."""
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow", **kwargs)
        project.card_channel_id = project.channel_id
        project.card_ts = CARD_TS
        return project


async def deliver(server: RunningServer, project: LiteProject, **fields: str) -> int:
    data = {"url": URL, "creator_handle": "@glow.maker", "creator_email": "maker@example.com"}
    data.update(fields)
    data["form_token"] = server.runner.app[FORM_TOKENS_KEY].issue(project.invite_token)
    async with aiohttp.ClientSession() as client:
        async with client.post(f"{server.url}/i/{project.invite_token}", data=data) as response:
            return response.status


async def wait_until(found: Callable[[], list[Call]], count: int = 1) -> list[Call]:
    for _ in range(200):
        calls = found()
        if len(calls) >= count:
            return calls
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} calls, got {found()}")


def alerts(server: RunningServer) -> list[Call]:
    return [
        c for c in server.fake.of("chat.postMessage") if str(c.args.get("text", "")).startswith("New video")
    ]


def edits_of(server: RunningServer, ts: str) -> Callable[[], list[Call]]:
    return lambda: [c for c in server.fake.of("chat.update") if c.args.get("ts") == ts]


async def the_video(server: RunningServer) -> Video:
    async with server.sessions() as session:
        (video,) = (await session.execute(select(Video))).scalars().all()
        return video


def blocks_text(blocks: Any) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def button_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def seed(server: RunningServer) -> int:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow", authorization_days=30)
        await make_video(session, project=project, creator_handle="plain.one", delivered_at=AT)
        linked = await make_video(session, project=project, creator_handle="linked.one", spark_code=CODE)
        linked.source = VideoSource.LINKING_REQUEST
        linked.status = VideoStatus.AUTHORIZED
        linked.authorized_at = AT
        await make_video(
            session, project=project, creator_handle="bad.one", review_state=ReviewState.REJECTED
        )
        assert project.id is not None
        return project.id


def section_texts(view: dict[str, Any]) -> str:
    return json.dumps(
        [b["text"]["text"] for b in view["blocks"] if b["type"] == "section" and "text" in b],
        ensure_ascii=False,
    )


AT = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
