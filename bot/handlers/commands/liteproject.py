"""Dispatch `/liteproject <subcommand> …` to the registry; a bare one gets a short start."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.help import render_mistyped, render_start
from bot.blocks.home import CREATE_FROM_HOME
from bot.handlers.commands.registry import Invocation, find, split, suggest


async def handle_liteproject(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    name, args = split(body)
    if not name:
        await ack(**render_start(create_action_id=CREATE_FROM_HOME))
        return
    entry = find(name)
    if entry is None:
        close = suggest(name)
        await ack(**render_mistyped(name, find(close) if close else None, create_action_id=CREATE_FROM_HOME))
        return
    invocation = Invocation(
        name=entry.name,
        args=args,
        body=body,
        ack=ack,
        respond=respond,
        client=client,
        context=context,
    )
    await entry.run(invocation)
