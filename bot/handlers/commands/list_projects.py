"""`/liteproject list`."""

from __future__ import annotations

from bot.blocks.projects import render_project_list
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of
from bot.services import projects
from bot.services.workspaces import Actor

PAGE_SIZE = 10


@subcommand(
    "list", usage="list", description="The workspace's lite projects, newest first.", aliases=("projects",)
)
async def list_projects(call: Invocation) -> None:
    await call.ack()
    async with sessions_of(call.context)() as session:
        page = await projects.list_projects(session, actor=Actor.from_context(call.context), limit=PAGE_SIZE)
    await call.respond(**render_project_list(page))
