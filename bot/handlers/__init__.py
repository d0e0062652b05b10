"""Bolt listeners, one package per Slack surface; each exposes `register(app)`."""

from slack_bolt.async_app import AsyncApp

from bot.handlers import actions, commands, errors, events, text_guard, views


def register(app: AsyncApp) -> None:
    text_guard.register(app)
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
    errors.register(app)
