"""Project modal submissions: Create, Manage project link (Edit details), invite message."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.project_modals import (
    CREATE_CALLBACK,
    INVITE_CALLBACK,
    MANAGE_CALLBACK,
    render_composed_invite,
    render_created_view,
    render_edit_saved,
)
from bot.handlers.common import metadata_id, refresh_home, sessions_of, settings_of, writer_of
from bot.handlers.views.values import as_int, as_ints, read_values
from bot.services import invites, projects
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.workspaces import Actor


async def submit_create(
    ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    values = read_values(view)
    draft = projects.ProjectDraft(
        link_name=values.get("link_name"),
        brand=as_int(values.get("brand")),
        authorization_days=as_int(values.get("authorization_days")),
        anchor=as_int(values.get("anchor")),
        ads_accounts=as_ints(values.get("ads_accounts")),
        description=values.get("description"),
        deliverable=values.get("deliverable"),
        requirements=values.get("requirements"),
        deadline=values.get("deadline"),
        contact=values.get("contact"),
        channel=values.get("channel"),
        creator_language=values.get("creator_language"),
    )
    actor = Actor.from_context(context)
    try:
        created = await projects.create(writer_of(context), actor=actor, draft=draft)
    except InvalidInput as invalid:
        await ack(response_action="errors", errors=invalid.errors)
        return
    url = projects.invite_url(settings_of(context).public_base_url, created.project)
    await ack(response_action="update", view=render_created_view(created.project, url))
    await refresh_home(client, context, user_id=actor.user_id, may_be_open=created.home_may_be_open)


async def submit_manage(
    ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    project_id = metadata_id(view, "project_id")
    changes = read_values(view)
    if "ads_accounts" in changes:
        changes["ads_accounts"] = as_ints(changes["ads_accounts"])
    actor = Actor.from_context(context)
    try:
        async with sessions_of(context).begin() as session:
            edit = await projects.edit_project(session, actor=actor, project_id=project_id, changes=changes)
    except InvalidInput as invalid:
        await ack(response_action="errors", errors=invalid.errors)
        return
    except DomainError as refused:  # not found, or not theirs to change
        await ack(response_action="errors", errors={"link_name": refused.message})
        return
    await ack(response_action="update", view=render_edit_saved(edit))
    await refresh_home(client, context, user_id=actor.user_id)


async def submit_invite_message(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    values = read_values(view)
    actor = Actor.from_context(context)
    try:
        async with sessions_of(context)() as session:
            project = await projects.get_project(
                session, actor=actor, project_id=metadata_id(view, "project_id")
            )
            overview = await projects.overview(session, project=project)
        message = invites.compose_invite_message(
            overview,
            invite_url=projects.invite_url(settings_of(context).public_base_url, project),
            sender_name=values.get("sender_name"),
            sender_email=values.get("sender_email"),
            style=values.get("style") or "email",
        )
    except InvalidInput as invalid:
        await ack(response_action="errors", errors=invalid.errors)
        return
    except NotFound as missing:
        await ack(response_action="errors", errors={"sender_name": missing.message})
        return
    await ack(response_action="update", view=render_composed_invite(message))


def register(app: AsyncApp) -> None:
    app.view(CREATE_CALLBACK)(submit_create)
    app.view(MANAGE_CALLBACK)(submit_manage)
    app.view(INVITE_CALLBACK)(submit_invite_message)
