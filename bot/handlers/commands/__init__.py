"""`/liteproject` and its subcommands (one module each, registered in `registry`)."""

from slack_bolt.async_app import AsyncApp

# importing a subcommand module registers it; the order here is the order help lists them
from bot.handlers.commands import help  # noqa: F401
from bot.handlers.commands.liteproject import handle_liteproject
from bot.handlers.commands.registry import COMMAND


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(handle_liteproject)
