"""`/liteproject` and its subcommands (one module each, registered in `registry`)."""

from slack_bolt.async_app import AsyncApp

from bot.blocks.text import COMMAND

# importing a subcommand module registers it (help lists them in registry.HELP_ORDER)
from bot.handlers.commands import (  # noqa: F401
    add_videos,
    archive,
    assets,
    create,
    edit,
    export,
    help,
    history,
    link,
    list_projects,
    pause,
    performance,
    show,
    status,
    subscriptions,
    tiktok_one,
    videos,
)
from bot.handlers.commands.list_projects import AnswerKeptListing
from bot.handlers.commands.liteproject import handle_liteproject


def register(app: AsyncApp) -> None:
    # a global middleware, so that it answers before Bolt tries any listener
    app.middleware(AnswerKeptListing())
    app.command(COMMAND)(handle_liteproject)
