"""`/liteproject list`: answered in the ack, from a page kept until the workspace changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.projects import render_project_list
from bot.blocks.text import COMMAND
from bot.handlers.commands.registry import Invocation, find, split, subcommand
from bot.handlers.common import sessions_of
from bot.services import listing, projects
from bot.services.workspaces import Actor

PAGE_SIZE = 10
FIRST_PAGE = ("project_list", 0, PAGE_SIZE)  # the listing cache's key of what `list` shows


@subcommand(
    "list", usage="list", description="The workspace's lite projects, newest first.", aliases=("projects",)
)
async def list_projects(call: Invocation) -> None:
    actor = Actor.from_context(call.context)

    async def read(session: AsyncSession) -> str:
        page = await projects.list_projects(session, actor=actor, limit=PAGE_SIZE)
        # the ack is a new ephemeral message: there is nothing for it to replace
        message = {
            key: value for key, value in render_project_list(page).items() if key != "replace_original"
        }
        return await ack_body(message)

    body = await listing.cached_page(sessions_of(call.context), actor=actor, key=FIRST_PAGE, read=read)
    # the listing rides on the ack: nothing is left queued behind the answer. Bolt answers a text
    # that is a JSON object as that JSON (application/json), so the kept page is sent as it was
    # encoded, byte for byte what `ack(**message)` sends, without encoding it again per command
    await call.ack(body)


async def ack_body(message: dict[str, Any]) -> str:
    """The JSON Bolt answers for `ack(**message)`, made once for every command the page answers."""
    ack = AsyncAck()
    response = await ack(**message)
    return response.body


class AnswerKeptListing(AsyncMiddleware):
    """`/liteproject list` answered from its kept page before any listener is tried: the answer is
    the ack and nothing comes after it, so matching the listener (Bolt builds every injectable
    argument for its matcher) and running it (a task, guard's arguments, and Bolt's wait for the
    ack, polled every 10 ms) was all overhead. Only a kept page is answered here; anything else,
    and every command while the work limit is full (it is told "busy" there), goes on to the
    listener as before.

    The last of the app's global middleware (registered in bot/handlers/commands/__init__.py): the
    signature, the replay marks, authorization, the app's dependencies and the invisible-text check
    all ran before it.
    """

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        context = req.context
        limit = context.get("work_limit")
        if (limit is None or not limit.full) and _lists(req.body):
            body = listing.kept_page(sessions_of(context), actor=Actor.from_context(context), key=FIRST_PAGE)
            if body is not None:
                # what the listener's `call.ack(body)` answers
                return await context.ack(body)
        return await next()


def _lists(body: dict[str, Any]) -> bool:
    if body.get("command") != COMMAND:
        return False
    entry = find(split(body)[0])
    return entry is not None and entry.run is list_projects
