"""What several listeners share: dependencies from Bolt's context, what our buttons and modals carry
back (encoded by `bot/blocks/payloads.py`), opening a view, and answering privately."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.blocks.home import ALL, MINE, render_home
from bot.blocks.payloads import SEPARATOR
from bot.blocks.performance import home_week_line
from bot.services import connections, home_views, projects, subscriptions
from bot.services.performance import report as performance_report
from bot.services.workspaces import Actor
from bot.settings import Settings
from storage.writer import Writer

HOME_PAGE_SIZE = 20


def sessions_of(context: AsyncBoltContext) -> async_sessionmaker[AsyncSession]:
    return context["sessions"]  # type: ignore[no-any-return,unused-ignore]


def settings_of(context: AsyncBoltContext) -> Settings:
    return context["settings"]  # type: ignore[no-any-return,unused-ignore]


def writer_of(context: AsyncBoltContext) -> Writer:
    return context["writer"]  # type: ignore[no-any-return,unused-ignore]


def action_id_of(body: dict[str, Any]) -> str:
    """Which of the listener's buttons was pressed (listeners registered for several)."""
    return str((body.get("actions") or [{}])[0].get("action_id") or "")


def value_of(body: dict[str, Any]) -> str:
    """The pressed button's value, or the chosen option's: written by our renderers, but untrusted."""
    action = (body.get("actions") or [{}])[0]
    option = action.get("selected_option")
    value = option.get("value") if isinstance(option, dict) else action.get("value")
    return "" if value is None else str(value)


def value_parts(body: dict[str, Any], count: int) -> list[str]:
    """The `count` parts of a value made by `encode_value`; missing ones are empty."""
    parts = value_of(body).split(SEPARATOR, count - 1)
    return parts + [""] * (count - len(parts))


def value_id(body: dict[str, Any]) -> int:
    """The id a button carries (its first part); -1, which no row has, when it isn't a number."""
    return _id(value_parts(body, 2)[0])


def metadata_of(view: dict[str, Any] | None) -> dict[str, Any]:
    """A modal's private_metadata as `encode_metadata` wrote it; {} when it can't be read."""
    try:
        metadata = json.loads((view or {}).get("private_metadata") or "{}")
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}


def metadata_id(view: dict[str, Any] | None, name: str) -> int:
    """An id the modal carries under `name`; -1, which no row has, when it is missing or not a number."""
    return _id(metadata_of(view).get(name))


def _id(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return -1
    try:
        return int(raw)
    except ValueError:
        return -1


def channel_of(body: dict[str, Any]) -> str | None:
    """The channel of the message whose button was pressed (None on App Home and in modals)."""
    channel: str | None = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return channel


def in_modal(body: dict[str, Any]) -> bool:
    """Whether the action came from inside a modal (not a message, not App Home)."""
    return (body.get("view") or {}).get("type") == "modal"


async def open_or_push(client: AsyncWebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    """Open `view`, on top of the modal the action came from if there is one (Slack keeps a stack)."""
    if in_modal(body):
        await client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        await client.views_open(trigger_id=body["trigger_id"], view=view)


async def answer_privately(
    *,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    message: dict[str, Any],
    title: str,
) -> None:
    """Ephemeral where the action came from a message; a small modal where it came from App Home."""
    if context.respond is not None and (body.get("response_url") or body.get("response_urls")):
        await context.respond(**{**message, "response_type": "ephemeral", "replace_original": False})
        return
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Done"},
        "blocks": [block for block in message["blocks"] if block.get("type") != "actions"],
    }
    await client.views_open(trigger_id=body["trigger_id"], view=view)


def home_scope_of(body: dict[str, Any]) -> str | None:
    """Mine or All, as the App Home view that was pressed remembers it (None elsewhere)."""
    view = body.get("view") or {}
    scope = metadata_of(view).get("scope") if view.get("type") == "home" else None
    return scope if scope in (MINE, ALL) else None


async def publish_home(
    client: AsyncWebClient,
    context: AsyncBoltContext,
    *,
    user_id: str,
    offset: int = 0,
    scope: str | None = None,
) -> None:
    """App Home: the person's own projects first (Mine) when they have any, else All."""
    actor = Actor(team_id=context.team_id or "", user_id=user_id, enterprise_id=context.enterprise_id or "")
    async with sessions_of(context)() as session:
        mine = scope != ALL
        page = await projects.list_projects(
            session, actor=actor, offset=offset, limit=HOME_PAGE_SIZE, mine=mine
        )
        if scope is None and page.total == 0:
            page = await projects.list_projects(session, actor=actor, offset=offset, limit=HOME_PAGE_SIZE)
        action_dms = await subscriptions.action_dms_enabled(session, actor=actor)
        week = await performance_report.this_week(session, projects=list(page.projects))
    async with sessions_of(context).begin() as session:
        tiktok = await connections.home_views(session, settings=settings_of(context), actor=actor)
    week_lines = {project_id: home_week_line(figures) for project_id, figures in week.items()}
    await client.views_publish(
        user_id=user_id,
        view=render_home(page, action_dms=action_dms, connections=tiktok, week_lines=week_lines),
    )


async def refresh_home(
    client: AsyncWebClient, context: AsyncBoltContext, *, user_id: str, may_be_open: bool | None = None
) -> None:
    """After a change: republish the person's App Home only if they may have it open.

    `may_be_open`: already asked by the change's own write unit (a create), so no session is
    opened for it; None asks here."""
    if may_be_open is None:
        actor = Actor(
            team_id=context.team_id or "", user_id=user_id, enterprise_id=context.enterprise_id or ""
        )
        async with sessions_of(context)() as session:
            may_be_open = await home_views.may_be_open(session, actor=actor)
    if may_be_open:
        await publish_home(client, context, user_id=user_id)
