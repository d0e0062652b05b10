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
from bot.services.workspaces import Actor, workspace_of
from storage.models import LiteProject


async def open_create_modal(
    client: AsyncWebClient, context: AsyncBoltContext, *, trigger_id: str, channel_id: str | None
) -> None:
    async with sessions_of(context)() as session:
        choices = await projects.asset_choices(session, actor=Actor.from_context(context))
    await client.views_open(trigger_id=trigger_id, view=render_create_modal(choices, channel_id=channel_id))


async def manage_modal(context: AsyncBoltContext, project: LiteProject) -> dict[str, Any]:
    """Manage project link as the person may use it: the form, or the project and whom to ask."""
    async with sessions_of(context)() as session:
        form = await projects.manage_form(session, actor=Actor.from_context(context), project=project)
    return render_manage_modal(form) if form.allowed else render_manage_readonly(form.overview)


async def open_manage_modal(
    client: AsyncWebClient, context: AsyncBoltContext, *, trigger_id: str, project: LiteProject
) -> None:
    await client.views_open(trigger_id=trigger_id, view=await manage_modal(context, project))


async def project_overview_message(
    context: AsyncBoltContext, *, project_id: int | None = None, name: str | None = None
) -> dict[str, Any]:
    """A project's overview, found by id (a button's value) or typed name, in one session."""
    async with sessions_of(context)() as session:
        project = await projects.get_project(
            session, actor=Actor.from_context(context), project_id=project_id, name=name
        )
        overview = await projects.overview(session, project=project)
    return render_project_overview(
        overview, projects.invite_url(settings_of(context).public_base_url, project)
    )


def invite_link_message(context: AsyncBoltContext, project: LiteProject) -> dict[str, Any]:
    return render_invite_link(project, projects.invite_url(settings_of(context).public_base_url, project))


async def find_by_name(context: AsyncBoltContext, name: str) -> LiteProject:
    async with sessions_of(context)() as session:
        return await projects.find_project(session, actor=Actor.from_context(context), name=name)


async def get_by_id(context: AsyncBoltContext, project_id: int) -> LiteProject:
    """A project id from a button or private_metadata (untrusted): scoped and checked here."""
    async with sessions_of(context)() as session:
        return await projects.get_project(session, actor=Actor.from_context(context), project_id=project_id)


async def set_active(
    client: AsyncWebClient,
    context: AsyncBoltContext,
    *,
    active: bool,
    project_id: int | None = None,
    name: str | None = None,
) -> projects.ActiveChange:
    """Pause or resume a project by id or name, in one transaction; then the person's App Home."""
    actor = Actor.from_context(context)
    async with sessions_of(context).begin() as session:
        change = await projects.set_invite_link_active(
            session, actor=actor, active=active, project_id=project_id, name=name
        )
    if change.changed:
        await refresh_home(client, context, user_id=actor.user_id)
    return change


async def answer_performance(context: AsyncBoltContext, project: LiteProject) -> PerformanceAnswer:
    """The figures to show now (the chart follows in the project's thread, made by a job)."""
    actor = Actor.from_context(context)
    async with sessions_of(context).begin() as session:
        workspace = await workspace_of(session, actor)
        return await performance_charts.ask(
            session, settings=settings_of(context), actor=actor, workspace=workspace, project=project
        )
