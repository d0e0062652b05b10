"""`/liteproject anchor add` and `/liteproject anchors` (see registry)."""

from __future__ import annotations

from bot.blocks.assets import render_anchor_list, render_anchor_modal, render_usage
from bot.handlers.commands.registry import Invocation, subcommand
from bot.services import assets
from bot.services.workspaces import Actor


@subcommand(
    "anchor", usage="anchor add", description="Add an anchor: a webpage, app, game or TikTok Shop product."
)
async def anchor(call: Invocation) -> None:
    if call.args.lower() != "add":
        await call.ack(**render_usage("anchor", "anchors", "an anchor (what the videos promote)"))
        return
    await call.ack()
    view = render_anchor_modal(channel_id=call.body.get("channel_id"))
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


@subcommand("anchors", usage="anchors", description="List the anchors.")
async def anchors(call: Invocation) -> None:
    async with call.context["sessions"].begin() as session:
        found = await assets.list_anchors(session, actor=Actor.from_context(call.context))
    await call.ack(**render_anchor_list(found))
