"""Bolt listeners, one package per Slack surface; each exposes `register(app)`."""

from slack_bolt.async_app import AsyncApp

from bot.handlers import actions, commands, errors, events, text_guard, views


def register(app: AsyncApp) -> None:
    text_guard.register(app)
    # Bolt tries a request against every listener registered before its own (each try builds the
    # matcher's arguments), and no listener of one surface matches another's requests: the
    # surfaces with few listeners go first, the ~40 buttons last (a modal's submission used to
    # wait behind all of them)
    commands.register(app)
    views.register(app)
    events.register(app)
    actions.register(app)
    errors.register(app)
