"""`/liteproject brand|anchor|account add` and `brands`, `anchors`, `accounts`: the assets a project uses."""

from __future__ import annotations

from typing import Any, Protocol

from bot.blocks.assets import (
    render_ads_account_list,
    render_ads_account_modal,
    render_anchor_list,
    render_anchor_modal,
    render_brand_list,
    render_brand_modal,
    render_usage,
)
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of, settings_of
from bot.services import assets, connections
from bot.services.workspaces import Actor, workspace_id_of


class AddForm(Protocol):
    def __call__(self, *, channel_id: str | None) -> dict[str, Any]: ...


async def _open_add_form(call: Invocation, *, plural: str, what: str, form: AddForm) -> None:
    """`<asset> add` opens the asset's modal; any other words get what the command takes."""
    if call.args.lower() != "add":
        await call.ack(**render_usage(call.name, plural, what))
        return
    await call.ack()
    view = form(channel_id=call.body.get("channel_id"))
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


@subcommand(
    "brand", usage="brand add", description="Add a brand profile: name, website, contact email, logo."
)
async def brand(call: Invocation) -> None:
    await _open_add_form(call, plural="brands", what="a brand profile", form=render_brand_modal)


@subcommand("brands", usage="brands", description="List the brand profiles, with Edit.")
async def brands(call: Invocation) -> None:
    async with sessions_of(call.context).begin() as session:
        found = await assets.list_brands(session, actor=Actor.from_context(call.context))
    await call.ack(**render_brand_list(found))


@subcommand(
    "anchor", usage="anchor add", description="Add an anchor: a webpage, app, game or TikTok Shop product."
)
async def anchor(call: Invocation) -> None:
    await _open_add_form(
        call, plural="anchors", what="an anchor (what the videos promote)", form=render_anchor_modal
    )


@subcommand("anchors", usage="anchors", description="List the anchors.")
async def anchors(call: Invocation) -> None:
    async with sessions_of(call.context).begin() as session:
        found = await assets.list_anchors(session, actor=Actor.from_context(call.context))
    await call.ack(**render_anchor_list(found))


@subcommand(
    "account", usage="account add", description="Add a TikTok Ads Manager account: advertiser ID and a name."
)
async def account(call: Invocation) -> None:
    await _open_add_form(
        call, plural="accounts", what="a TikTok Ads Manager account", form=render_ads_account_modal
    )


@subcommand("accounts", usage="accounts", description="List the TikTok Ads Manager accounts.")
async def accounts(call: Invocation) -> None:
    actor = Actor.from_context(call.context)
    async with sessions_of(call.context).begin() as session:
        found = await assets.list_ads_accounts(session, actor=actor)
        workspace_id = await workspace_id_of(session, actor)
        unreachable = await connections.unreachable_advertisers(
            session,
            settings=settings_of(call.context),
            workspace_id=workspace_id,
            advertiser_ids=[account.advertiser_id for account in found],
        )
    await call.ack(**render_ads_account_list(found, unreachable=unreachable))
