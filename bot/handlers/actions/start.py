"""Buttons of the short start that a bare `/liteproject` shows."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.assets import render_brand_modal
from bot.blocks.help import START_BRAND, START_HELP, START_LIST, render_help
from bot.blocks.projects import render_project_list
from bot.handlers.commands.list_projects import PAGE_SIZE
from bot.handlers.commands.registry import listed
from bot.handlers.common import channel_of, sessions_of
from bot.services import projects
from bot.services.workspaces import Actor


async def list_projects(ack: AsyncAck, respond: AsyncRespond, context: AsyncBoltContext) -> None:
    await ack()
    async with sessions_of(context)() as session:
        page = await projects.list_projects(session, actor=Actor.from_context(context), limit=PAGE_SIZE)
    await respond(**{**render_project_list(page), "replace_original": False})


async def add_brand(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
    await ack()
    await client.views_open(
        trigger_id=body["trigger_id"], view=render_brand_modal(channel_id=channel_of(body))
    )


async def all_commands(ack: AsyncAck, respond: AsyncRespond) -> None:
    await ack()
    await respond(**render_help(listed()), replace_original=False)


def register(app: AsyncApp) -> None:
    app.action(START_LIST)(list_projects)
    app.action(START_BRAND)(add_brand)
    app.action(START_HELP)(all_commands)
