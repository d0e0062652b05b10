"""The one error handler: domain errors are told to the person, anything else is logged."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.blocks.errors import render_error_message, render_unexpected_error_message
from bot.services.errors import DomainError


async def handle_error(
    error: Exception, body: dict[str, Any], context: AsyncBoltContext, logger: logging.Logger
) -> None:
    if isinstance(error, DomainError):
        message = render_error_message(error.message)
    else:
        logger.exception(
            "unhandled error for a %s request", body.get("type") or body.get("command"), exc_info=error
        )
        message = render_unexpected_error_message()
    if context.respond is not None:
        await context.respond(response_type="ephemeral", replace_original=False, **message)


def register(app: AsyncApp) -> None:
    app.error(handle_error)
