"""Bolt listeners, one package per Slack surface; each exposes `register(app)`."""

from slack_bolt.async_app import AsyncApp

from bot.handlers import commands, errors, events


def register(app: AsyncApp) -> None:
    commands.register(app)
    events.register(app)
    errors.register(app)
