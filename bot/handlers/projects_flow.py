"""Steps that a command and a button both take (open a modal, pause, show), kept in one place."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.project_modals import render_create_modal, render_manage_modal, render_manage_readonly
from bot.blocks.projects import render_invite_link, render_project_overview
from bot.handlers.common import refresh_home, sessions_of, settings_of
from bot.services import projects
from bot.services.performance import charts as performance_charts
from bot.services.performance.charts import PerformanceAnswer
from bot.services.permissions import may_manage
from bot.services.workspaces import Actor, workspace_id_of, workspace_of
from bot.tiktok.tiktok_one import TIKTOK_ONE_WEB_URL
from storage import assets as asset_queries
from storage.models import LiteProject


async def open_create_modal(
    client: AsyncWebClient, context: AsyncBoltContext, *, trigger_id: str, channel_id: str | None
) -> None:
    actor = Actor.from_context(context)
    async with sessions_of(context)() as session:
        workspace_id = await workspace_id_of(session, actor)
        brands = await asset_queries.list_brands(session, workspace_id=workspace_id)
        anchors = await asset_queries.list_anchors(session, workspace_id=workspace_id)
        accounts = await asset_queries.list_ads_accounts(session, workspace_id=workspace_id)
    view = render_create_modal(brands=brands, anchors=anchors, accounts=accounts, channel_id=channel_id)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_manage_modal(
    client: AsyncWebClient, context: AsyncBoltContext, *, trigger_id: str, project: LiteProject
) -> None:
    async with sessions_of(context)() as session:
        overview = await projects.overview(session, project=project)
        accounts = await asset_queries.list_ads_accounts(session, workspace_id=project.workspace_id)
        allowed = await may_manage(session, actor=Actor.from_context(context), project=project)
    # someone who may not change the project sees it and whom to ask, not a form they can't save
    view = render_manage_modal(overview, accounts) if allowed else render_manage_readonly(overview)
    await client.views_open(trigger_id=trigger_id, view=view)


async def project_overview_message(context: AsyncBoltContext, project: LiteProject) -> dict[str, Any]:
    async with sessions_of(context)() as session:
        overview = await projects.overview(session, project=project)
    return render_project_overview(
        overview, projects.invite_url(settings_of(context).public_base_url, project)
    )


def invite_link_message(context: AsyncBoltContext, project: LiteProject) -> dict[str, Any]:
    return render_invite_link(project, projects.invite_url(settings_of(context).public_base_url, project))


async def find_by_name(context: AsyncBoltContext, name: str) -> LiteProject:
    async with sessions_of(context)() as session:
        return await projects.find_project(session, actor=Actor.from_context(context), name=name)


async def get_by_id(context: AsyncBoltContext, value: Any) -> LiteProject:
    """A project id from a button or private_metadata: untrusted, so scoped and checked here."""
    try:
        project_id = int(value)
    except (TypeError, ValueError):
        project_id = -1
    async with sessions_of(context)() as session:
        return await projects.get_project(session, actor=Actor.from_context(context), project_id=project_id)


async def set_active(
    client: AsyncWebClient, context: AsyncBoltContext, *, project_id: int, active: bool
) -> tuple[LiteProject, str]:
    """Pause or resume; returns the project and the sentence to tell the person."""
    actor = Actor.from_context(context)
    async with sessions_of(context).begin() as session:
        change = await projects.set_invite_link_active(
            session, actor=actor, project_id=project_id, active=active
        )
    project = change.project
    name = project.link_name
    if not change.changed:
        state = "active" if active else "paused"
        return project, f"“{name}” is already {state}; nothing changed."
    await refresh_home(client, context, user_id=actor.user_id)
    if active:
        sentence = f"Resumed “{name}”: creators can deliver videos through the invite link again."
    else:
        sentence = f"Paused “{name}”: creators can't deliver videos to this link until it is resumed."
    if project.tto_account_id is not None:
        sentence = (
            f"{sentence} It lives in TikTok One, whose API can't switch its active invite link: "
            f"switch it in TikTok One too ({TIKTOK_ONE_WEB_URL})."
        )
    return project, sentence


def archive_sentence(change: projects.ActiveChange, *, archived: bool) -> str:
    name = change.project.link_name
    if archived:
        if not change.changed:
            return f"“{name}” is already archived; nothing changed."
        return (
            f"Archived “{name}”: its invite link is off and it's hidden from lists and App Home. "
            "Its videos, history and export are kept; `/liteproject archived` can restore it."
        )
    if not change.changed:
        return f"“{name}” isn't archived; nothing changed."
    return f"Restored “{name}”. It is paused: resume it when creators may deliver again."


async def answer_performance(context: AsyncBoltContext, project: LiteProject) -> PerformanceAnswer:
    """The figures to show now (the chart follows in the project's thread, made by a job)."""
    actor = Actor.from_context(context)
    async with sessions_of(context).begin() as session:
        workspace = await workspace_of(session, actor)
        return await performance_charts.ask(
            session, settings=settings_of(context), actor=actor, workspace=workspace, project=project
        )
