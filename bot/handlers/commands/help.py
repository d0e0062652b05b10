"""`/liteproject help [subcommand]`."""

from __future__ import annotations

from bot.blocks.help import render_help, render_mistyped
from bot.blocks.home import CREATE_FROM_HOME
from bot.handlers.commands.registry import Invocation, find, listed, subcommand, suggest


@subcommand(
    "help", usage="help [command]", description="Show what liteproject can do, or how to use one command."
)
async def show_help(call: Invocation) -> None:
    wanted = call.args.split(" ", 1)[0]
    if not wanted:
        await call.ack(**render_help(listed()))
        return
    entry = find(wanted)
    if entry is None:
        close = suggest(wanted)
        if close is None:
            await call.ack(**render_help(listed(), unknown=wanted))
            return
        await call.ack(**render_mistyped(wanted, find(close), create_action_id=CREATE_FROM_HOME))
        return
    await call.ack(**render_help([entry], single=True))
