"""What several listeners share: dependencies from Bolt's context, and answering privately."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.blocks.home import ALL, MINE, render_home
from bot.blocks.performance import home_week_line
from bot.services import connections, home_views, projects, subscriptions
from bot.services.performance import report as performance_report
from bot.services.workspaces import Actor
from bot.settings import Settings

HOME_PAGE_SIZE = 20


def sessions_of(context: AsyncBoltContext) -> async_sessionmaker[AsyncSession]:
    return context["sessions"]  # type: ignore[no-any-return,unused-ignore]


def settings_of(context: AsyncBoltContext) -> Settings:
    return context["settings"]  # type: ignore[no-any-return,unused-ignore]


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
    scope = view.get("private_metadata") if view.get("type") == "home" else None
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


async def refresh_home(client: AsyncWebClient, context: AsyncBoltContext, *, user_id: str) -> None:
    """After a change: republish the person's App Home only if they may have it open."""
    actor = Actor(team_id=context.team_id or "", user_id=user_id, enterprise_id=context.enterprise_id or "")
    async with sessions_of(context)() as session:
        if not await home_views.may_be_open(session, actor=actor):
            return
    await publish_home(client, context, user_id=user_id)
