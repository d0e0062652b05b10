"""`/liteproject` and its subcommands (one module each, registered in `registry`)."""

from slack_bolt.async_app import AsyncApp

# importing a subcommand module registers it; the order here is the order help lists them
from bot.handlers.commands import (  # noqa: F401
    accounts,
    anchors,
    brands,
    create,
    edit,
    help,
    link,
    list_projects,
    pause,
    show,
)
from bot.handlers.commands.liteproject import handle_liteproject
from bot.handlers.commands.registry import COMMAND


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(handle_liteproject)
