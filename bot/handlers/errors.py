"""The one error path: domain errors are told to the person, anything else is logged.

Every listener is registered through `guard` (see bot/app.py), which catches what the listener
raises and hands it here. Letting it escape instead would reach Bolt's runner, which forgets an
ack already given when a listener fails right after it, and Slack would show the person an error.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.errors import render_busy_message, render_error_modal, render_unexpected_error_message
from bot.blocks.refusals import render_domain_error
from bot.handlers.common import open_or_push
from bot.metrics import SHED
from bot.services.errors import DomainError

Listener = Callable[..., Awaitable[Any]]


async def handle_error(
    error: Exception,
    body: dict[str, Any],
    context: AsyncBoltContext,
    logger: logging.Logger,
    client: AsyncWebClient | None = None,
    ack: AsyncAck | None = None,
) -> None:
    if isinstance(error, DomainError):
        message = render_domain_error(error)
    else:
        logger.exception(
            "unhandled error for a %s request", body.get("type") or body.get("command"), exc_info=error
        )
        message = render_unexpected_error_message()
    if ack is not None and ack.response is None:
        # raised before the listener acked: without an ack Slack would wait out its 3 s and show
        # the person its own failure on top of ours
        if body.get("type") == "view_submission":
            # the modal itself becomes the answer: one message, nothing left half-open
            await ack(response_action="update", view=render_error_modal(message))
            return
        if body.get("command"):
            await ack(response_type="ephemeral", **message)
            return
        await ack()
    if context.respond is not None and (body.get("response_url") or body.get("command")):
        await context.respond(response_type="ephemeral", replace_original=False, **message)
    elif client is not None and body.get("trigger_id"):
        # a button in a modal or on App Home has no message to answer in: show a small modal
        await open_or_push(client, body, render_error_modal(message))


def guard(listener: Listener) -> Listener:
    """Wrap a listener so its errors take the one error path; arguments are injected as before.

    It also runs under the process's work limit (see bot/shedding.py): a slash command that finds
    it full is told "busy" in its ack; anything else waits for a slot.
    """
    names = list(inspect.signature(listener).parameters)

    @functools.wraps(listener)
    async def guarded(args: AsyncArgs) -> Any:
        limit = args.context.get("work_limit")
        if limit is None:
            return await run(args)
        if limit.full and args.body.get("command"):
            SHED.labels(surface="command").inc()
            await args.ack(**render_busy_message())
            return None
        async with limit:
            return await run(args)

    async def run(args: AsyncArgs) -> Any:
        kwargs = {
            name: getattr(args, name) if hasattr(args, name) else args.context.get(name) for name in names
        }
        try:
            return await listener(**kwargs)
        except Exception as error:
            await handle_error(error, args.body, args.context, args.logger, args.client, args.ack)
            return None

    # Bolt reads the signature to inject arguments: it must see `args`, not the listener's own
    del guarded.__wrapped__
    guarded.__signature__ = inspect.Signature(  # type: ignore[attr-defined,unused-ignore]
        [inspect.Parameter("args", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    )
    return guarded


def register(app: AsyncApp) -> None:
    # errors outside listeners (middleware, matchers) still end up here
    app.error(handle_error)
