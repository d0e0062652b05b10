"""Project buttons: on the invite card, the overview, the list and App Home."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.home import ALL, CREATE_FROM_HOME, HOME_PAGE, HOME_SCOPE, MINE
from bot.blocks.project_modals import (
    TOGGLE_ACTIVE,
    render_archived_view,
    render_invite_message_modal,
)
from bot.blocks.projects import (
    ADD_VIDEOS,
    ARCHIVE_PROJECT,
    COMPOSE_INVITE,
    COPY_INVITE_LINK,
    LIST_PAGE,
    MANAGE_PROJECT,
    OPEN_PROJECT,
    PAUSE_PROJECT,
    RESTORE_PROJECT,
    RESUME_PROJECT,
    render_active_change,
    render_archive_change,
    render_project_list,
)
from bot.handlers.commands.list_projects import PAGE_SIZE
from bot.handlers.common import (
    answer_privately,
    publish_home,
    sessions_of,
    value_id,
    value_of,
    value_parts,
)
from bot.handlers.projects_flow import (
    get_by_id,
    invite_link_message,
    manage_modal,
    open_create_modal,
    open_manage_modal,
    project_overview_message,
    set_active,
)
from bot.handlers.views.linking import open_paste_modal
from bot.services import projects
from bot.services.workspaces import Actor


async def show_project(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """*Copy invite link* and *Open*: the link alone or the overview, answered privately."""
    await ack()
    if body["actions"][0]["action_id"] == COPY_INVITE_LINK:
        message, title = invite_link_message(context, await get_by_id(context, value_id(body))), "Invite link"
    else:
        message, title = await project_overview_message(context, project_id=value_id(body)), "Lite project"
    await answer_privately(body=body, context=context, client=client, message=message, title=title)


async def manage_project(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    project = await get_by_id(context, value_id(body))
    await open_manage_modal(client, context, trigger_id=body["trigger_id"], project=project)


async def pause_or_resume(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    active = body["actions"][0]["action_id"] == RESUME_PROJECT
    change = await set_active(client, context, project_id=value_id(body), active=active)
    if context.respond is not None and body.get("response_url"):
        await context.respond(**render_active_change(change))


async def toggle_from_manage_modal(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """The Active invite link switch inside the modal: flip it, then redraw the modal in place."""
    await ack()
    state = value_parts(body, 2)[1]
    change = await set_active(client, context, project_id=value_id(body), active=state == "on")
    view = body["view"]
    await client.views_update(
        view_id=view["id"], hash=view.get("hash"), view=await manage_modal(context, change.project)
    )


async def add_videos(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    await open_paste_modal(client, body, context, project_id=value_id(body))


async def compose_invite(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    project = await get_by_id(context, value_id(body))
    await client.views_open(trigger_id=body["trigger_id"], view=render_invite_message_modal(project))


async def create_from_home(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    await open_create_modal(client, context, trigger_id=body["trigger_id"], channel_id=None)


async def turn_home_page(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    scope, offset = value_parts(body, 2)
    await publish_home(
        client,
        context,
        user_id=body["user"]["id"],
        offset=int(offset) if offset.isdigit() else 0,
        scope=scope if scope in (MINE, ALL) else None,
    )


async def choose_home_scope(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    await publish_home(
        client,
        context,
        user_id=body["user"]["id"],
        scope=value_of(body) if value_of(body) in (MINE, ALL) else None,
    )


async def turn_list_page(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    offset = int(value_of(body)) if value_of(body).isdigit() else 0
    async with sessions_of(context)() as session:
        page = await projects.list_projects(
            session, actor=Actor.from_context(context), offset=offset, limit=PAGE_SIZE
        )
    if context.respond is not None:
        await context.respond(**render_project_list(page))


async def archive_or_restore(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """*Archive project* (Manage project link) and *Restore* (`/liteproject archived`, the card)."""
    await ack()
    archive = body["actions"][0]["action_id"] == ARCHIVE_PROJECT
    actor = Actor.from_context(context)
    async with sessions_of(context).begin() as session:
        change = await (projects.archive_project if archive else projects.restore_project)(
            session, actor=actor, project_id=value_id(body)
        )
    view = body.get("view") or {}
    if view.get("type") == "modal" and archive:
        await client.views_update(view_id=view["id"], view=render_archived_view(change.project))
    else:
        message = render_archive_change(change)
        await answer_privately(
            body=body, context=context, client=client, message=message, title="Lite project"
        )
    await publish_home(client, context, user_id=actor.user_id)


def register(app: AsyncApp) -> None:
    app.action(COPY_INVITE_LINK)(show_project)
    app.action(OPEN_PROJECT)(show_project)
    app.action(MANAGE_PROJECT)(manage_project)
    app.action(PAUSE_PROJECT)(pause_or_resume)
    app.action(RESUME_PROJECT)(pause_or_resume)
    app.action(TOGGLE_ACTIVE)(toggle_from_manage_modal)
    app.action(ADD_VIDEOS)(add_videos)
    app.action(COMPOSE_INVITE)(compose_invite)
    app.action(ARCHIVE_PROJECT)(archive_or_restore)
    app.action(RESTORE_PROJECT)(archive_or_restore)
    app.action(CREATE_FROM_HOME)(create_from_home)
    app.action(re.compile(f"^{HOME_PAGE}_(prev|next)$"))(turn_home_page)
    app.action(re.compile(f"^{HOME_SCOPE}_({MINE}|{ALL})$"))(choose_home_scope)
    app.action(re.compile(f"^{LIST_PAGE}_(prev|next)$"))(turn_list_page)
