"""`/liteproject account add` and `/liteproject accounts` (see registry)."""

from __future__ import annotations

from bot.blocks.assets import render_ads_account_list, render_ads_account_modal, render_usage
from bot.handlers.commands.registry import Invocation, subcommand
from bot.services import assets, connections
from bot.services.workspaces import Actor, workspace_id_of


@subcommand(
    "account", usage="account add", description="Add a TikTok Ads Manager account: advertiser ID and a name."
)
async def account(call: Invocation) -> None:
    if call.args.lower() != "add":
        await call.ack(**render_usage("account", "accounts", "a TikTok Ads Manager account"))
        return
    await call.ack()
    view = render_ads_account_modal(channel_id=call.body.get("channel_id"))
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


@subcommand("accounts", usage="accounts", description="List the TikTok Ads Manager accounts.")
async def accounts(call: Invocation) -> None:
    actor = Actor.from_context(call.context)
    async with call.context["sessions"].begin() as session:
        found = await assets.list_ads_accounts(session, actor=actor)
        workspace_id = await workspace_id_of(session, actor)
        unreachable = await connections.unreachable_advertisers(
            session,
            settings=call.context["settings"],
            workspace_id=workspace_id,
            advertiser_ids=[account.advertiser_id for account in found],
        )
    await call.ack(**render_ads_account_list(found, unreachable=unreachable))
