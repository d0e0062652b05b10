"""`/liteproject archive <project>` and `/liteproject archived`."""

from __future__ import annotations

from bot.blocks.projects import render_archive_change, render_archived_list
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import publish_home, sessions_of
from bot.services import projects
from bot.services.workspaces import Actor

ARCHIVED_PAGE_SIZE = 40


@subcommand(
    "archive",
    usage="archive <project>",
    description="Put a finished project away: link off, hidden from lists; videos and history are kept.",
)
async def archive_project(call: Invocation) -> None:
    await call.ack()
    actor = Actor.from_context(call.context)
    async with sessions_of(call.context).begin() as session:
        change = await projects.archive_project(session, actor=actor, name=call.args)
    await call.respond(**render_archive_change(change))
    await publish_home(call.client, call.context, user_id=actor.user_id)


@subcommand("archived", usage="archived", description="Archived projects, each with Restore.")
async def list_archived(call: Invocation) -> None:
    await call.ack()
    async with sessions_of(call.context)() as session:
        page = await projects.list_projects(
            session, actor=Actor.from_context(call.context), archived=True, limit=ARCHIVED_PAGE_SIZE
        )
    await call.respond(**render_archived_list(page))
