"""Buttons on the asset lists: Edit on a brand profile opens the brand modal, prefilled."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.assets import EDIT_BRAND, render_brand_modal
from bot.blocks.errors import render_error_message
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
        await respond(
            response_type="ephemeral",
            replace_original=False,
            **render_error_message(exc.message, markup=exc.markup),
        )
        return
    channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    view = render_brand_modal(channel_id=channel_id, brand=brand)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: AsyncApp) -> None:
    app.action(EDIT_BRAND)(open_brand_edit)
