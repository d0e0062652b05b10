"""`/liteproject pause <project>` and `/liteproject resume <project>`."""

from __future__ import annotations

from bot.blocks.errors import render_notice
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.projects_flow import find_by_name, set_active


@subcommand(
    "pause", usage="pause <project>", description="Turn the invite link off: creators can't deliver videos."
)
async def pause_project(call: Invocation) -> None:
    await _set(call, active=False)


@subcommand("resume", usage="resume <project>", description="Turn the invite link back on.")
async def resume_project(call: Invocation) -> None:
    await _set(call, active=True)


async def _set(call: Invocation, *, active: bool) -> None:
    await call.ack()
    project = await find_by_name(call.context, call.args)
    assert project.id is not None
    _, sentence = await set_active(call.client, call.context, project_id=project.id, active=active)
    await call.respond(**render_notice(sentence))
