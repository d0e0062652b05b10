"""Dispatch `/liteproject <subcommand> …` to the registry; unknown ones get help."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.help import render_help
from bot.handlers.commands.registry import Invocation, find, listed, suggest


async def handle_liteproject(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    name, _, args = (body.get("text") or "").strip().partition(" ")
    if not name:
        await ack(**render_help(listed()))
        return
    entry = find(name)
    if entry is None:
        await ack(**render_help(listed(), unknown=name, suggestion=suggest(name)))
        return
    invocation = Invocation(
        name=entry.name,
        args=args.strip(),
        body=body,
        ack=ack,
        respond=respond,
        client=client,
        context=context,
    )
    await entry.run(invocation)
