"""Buttons on the asset lists: Edit opens the asset's modal, prefilled; Remove deletes an unused one."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.assets import (
    EDIT_ADS_ACCOUNT,
    EDIT_ANCHOR,
    EDIT_BRAND,
    REMOVE_ADS_ACCOUNT,
    REMOVE_ANCHOR,
    render_ads_account_list,
    render_ads_account_modal,
    render_anchor_list,
    render_anchor_modal,
    render_brand_modal,
)
from bot.blocks.errors import render_notice
from bot.blocks.refusals import render_domain_error
from bot.handlers.common import sessions_of
from bot.services import assets
from bot.services.errors import Forbidden, NotFound
from bot.services.workspaces import Actor


async def open_brand_edit(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    actor = Actor.from_context(context)
    try:
        async with context["sessions"].begin() as session:
            brand = await assets.get_brand(
                session, actor=actor, brand_id=int(value) if value.isdigit() else 0
            )
        await assets.require_brand_editor(brand, actor=actor)
    except (NotFound, Forbidden) as exc:
        # answered here: an error raised this soon after ack() can make Bolt drop the ack
        await respond(response_type="ephemeral", replace_original=False, **render_domain_error(exc))
        return
    channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    view = render_brand_modal(channel_id=channel_id, brand=brand)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


def _item_id(body: dict[str, Any]) -> int:
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    return int(value) if value.isdigit() else 0


def _channel_of(body: dict[str, Any]) -> str | None:
    channel: str | None = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return channel


async def open_ads_account_edit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    async with sessions_of(context)() as session:
        account = await assets.get_ads_account(
            session, actor=Actor.from_context(context), account_id=_item_id(body)
        )
    view = render_ads_account_modal(channel_id=_channel_of(body), account=account)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def open_anchor_edit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    async with sessions_of(context)() as session:
        anchor = await assets.get_anchor(session, actor=Actor.from_context(context), anchor_id=_item_id(body))
    view = render_anchor_modal(channel_id=_channel_of(body), anchor=anchor)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def remove_ads_account(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    await ack()
    actor = Actor.from_context(context)
    async with sessions_of(context).begin() as session:
        account = await assets.remove_ads_account(session, actor=actor, account_id=_item_id(body))
        remaining = await assets.list_ads_accounts(session, actor=actor)
    # the list redrawn without it, then a line saying so
    await respond(**{**render_ads_account_list(remaining), "replace_original": True})
    await respond(**render_notice(f"Removed the Ads Manager account “{account.display_name}”."))


async def remove_anchor(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    await ack()
    actor = Actor.from_context(context)
    async with sessions_of(context).begin() as session:
        anchor = await assets.remove_anchor(session, actor=actor, anchor_id=_item_id(body))
        remaining = await assets.list_anchors(session, actor=actor)
    await respond(**{**render_anchor_list(remaining), "replace_original": True})
    await respond(**render_notice(f"Removed the anchor “{anchor.name}”."))


def register(app: AsyncApp) -> None:
    app.action(EDIT_BRAND)(open_brand_edit)
    app.action(EDIT_ADS_ACCOUNT)(open_ads_account_edit)
    app.action(REMOVE_ADS_ACCOUNT)(remove_ads_account)
    app.action(EDIT_ANCHOR)(open_anchor_edit)
    app.action(REMOVE_ANCHOR)(remove_anchor)
