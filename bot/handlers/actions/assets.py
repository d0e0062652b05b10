"""Buttons on the asset lists: Edit opens the asset's modal, prefilled; Remove deletes an unused one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.assets import (
    EDIT_ADS_ACCOUNT,
    EDIT_ANCHOR,
    EDIT_BRAND,
    REMOVE_ADS_ACCOUNT,
    REMOVE_ANCHOR,
    render_brand_modal,
    render_edit_modal,
    render_removed,
)
from bot.blocks.refusals import render_domain_error
from bot.handlers.common import action_id_of, channel_of, sessions_of, value_id
from bot.services import assets
from bot.services.errors import Forbidden, NotFound
from bot.services.workspaces import Actor
from storage.models import AdsAccount, Anchor


async def open_brand_edit(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    actor = Actor.from_context(context)
    try:
        async with sessions_of(context).begin() as session:
            brand = await assets.get_brand(session, actor=actor, brand_id=value_id(body))
        await assets.require_brand_editor(brand, actor=actor)
    except (NotFound, Forbidden) as exc:
        # answered here: an error raised this soon after ack() can make Bolt drop the ack
        await respond(response_type="ephemeral", replace_original=False, **render_domain_error(exc))
        return
    view = render_brand_modal(channel_id=channel_of(body), brand=brand)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


# Edit and Remove on the account and anchor lists: the name of the asset's id in the services, and
# the services that read it (Edit), or remove it and list the rest (Remove)
Asset = AdsAccount | Anchor
EDITS: dict[str, tuple[str, Callable[..., Awaitable[Asset]]]] = {
    EDIT_ADS_ACCOUNT: ("account_id", assets.get_ads_account),
    EDIT_ANCHOR: ("anchor_id", assets.get_anchor),
}
REMOVALS: dict[
    str, tuple[str, Callable[..., Awaitable[Asset]], Callable[..., Awaitable[Sequence[Asset]]]]
] = {
    REMOVE_ADS_ACCOUNT: ("account_id", assets.remove_ads_account, assets.list_ads_accounts),
    REMOVE_ANCHOR: ("anchor_id", assets.remove_anchor, assets.list_anchors),
}


async def open_edit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    id_name, get = EDITS[action_id_of(body)]
    async with sessions_of(context)() as session:
        item = await get(session, actor=Actor.from_context(context), **{id_name: value_id(body)})
    await client.views_open(
        trigger_id=body["trigger_id"], view=render_edit_modal(item, channel_id=channel_of(body))
    )


async def remove(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    await ack()
    id_name, remove_item, list_items = REMOVALS[action_id_of(body)]
    actor = Actor.from_context(context)
    async with sessions_of(context).begin() as session:
        item = await remove_item(session, actor=actor, **{id_name: value_id(body)})
        remaining = await list_items(session, actor=actor)
    listing, removed = render_removed(item, remaining)
    # the list redrawn without it, then a line saying so
    await respond(**{**listing, "replace_original": True})
    await respond(**removed)


def register(app: AsyncApp) -> None:
    app.action(EDIT_BRAND)(open_brand_edit)
    for action_id in EDITS:
        app.action(action_id)(open_edit)
    for action_id in REMOVALS:
        app.action(action_id)(remove)
