"""`/liteproject brand add` and `/liteproject brands` (see registry)."""

from __future__ import annotations

from bot.blocks.assets import render_brand_list, render_brand_modal, render_usage
from bot.handlers.commands.registry import Invocation, subcommand
from bot.services import assets
from bot.services.workspaces import Actor


@subcommand(
    "brand", usage="brand add", description="Add a brand profile: name, website, contact email, logo."
)
async def brand(call: Invocation) -> None:
    if call.args.lower() != "add":
        await call.ack(**render_usage("brand", "brands", "a brand profile"))
        return
    await call.ack()
    view = render_brand_modal(channel_id=call.body.get("channel_id"))
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


@subcommand("brands", usage="brands", description="List the brand profiles, with Edit.")
async def brands(call: Invocation) -> None:
    async with call.context["sessions"].begin() as session:
        found = await assets.list_brands(session, actor=Actor.from_context(call.context))
    await call.ack(**render_brand_list(found))
