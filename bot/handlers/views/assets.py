"""Submissions of the asset modals: check with the service, answer errors inline or close and confirm."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.assets import (
    ADS_ACCOUNT_ADD,
    ADS_ACCOUNT_EDIT,
    ANCHOR_ADD,
    ANCHOR_EDIT,
    BRAND_ADD,
    BRAND_EDIT,
    read_metadata,
    render_ads_account_saved,
    render_anchor_saved,
    render_brand_saved,
)
from bot.services import assets
from bot.services.errors import Forbidden, InvalidInput, NotFound
from bot.services.workspaces import Actor

log = logging.getLogger(__name__)

# a confirmation that can't be shown there is not worth failing for: the change is saved
UNDELIVERABLE = {"channel_not_found", "not_in_channel", "is_archived", "user_not_in_channel"}

Save = Callable[[AsyncSession, Actor], Awaitable[dict[str, Any]]]


def _values(body: dict[str, Any]) -> dict[str, str | None]:
    """Each input block's value, by block id (text inputs and static selects)."""
    state = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    values: dict[str, str | None] = {}
    for block_id, actions in state.items():
        for element in actions.values():
            option = element.get("selected_option")
            values[block_id] = option.get("value") if option else element.get("value")
    return values


async def _save(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext, save: Save
) -> None:
    """Run `save` in one transaction: errors go back inline, success closes the modal and confirms."""
    actor = Actor.from_context(context)
    try:
        async with context["sessions"].begin() as session:
            message = await save(session, actor)
    except InvalidInput as exc:
        await ack(response_action="errors", errors=exc.errors)
        return
    await ack()
    channel_id = read_metadata((body.get("view") or {}).get("private_metadata")).get("channel_id")
    if not channel_id:
        return
    try:
        await client.chat_postEphemeral(channel=channel_id, user=actor.user_id, **message)
    except SlackApiError as exc:
        if exc.response.get("error") not in UNDELIVERABLE:
            raise
        log.info("confirmation not shown in %s: %s", channel_id, exc.response.get("error"))


async def submit_brand_add(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    draft = assets.BrandDraft(**_pick(_values(body), "name", "website", "contact_email", "logo_url"))

    async def save(session: AsyncSession, actor: Actor) -> dict[str, Any]:
        brand = await assets.add_brand(session, actor=actor, draft=draft)
        step = await assets.next_step(session, actor=actor)
        return render_brand_saved(brand, created=True, next_step=step)

    await _save(ack, body, client, context, save)


async def submit_brand_edit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    draft = assets.BrandDraft(**_pick(_values(body), "name", "website", "contact_email", "logo_url"))
    brand_id = read_metadata((body.get("view") or {}).get("private_metadata")).get("brand_id")

    async def save(session: AsyncSession, actor: Actor) -> dict[str, Any]:
        if not isinstance(brand_id, int):
            raise NotFound("That brand profile doesn't exist any more, or isn't in this workspace.")
        brand = await assets.update_brand(session, actor=actor, brand_id=brand_id, draft=draft)
        step = await assets.next_step(session, actor=actor)
        return render_brand_saved(brand, created=False, next_step=step)

    try:
        await _save(ack, body, client, context, save)
    except (NotFound, Forbidden) as exc:
        # the modal has no field for the brand itself: say it on the first one
        await ack(response_action="errors", errors={"name": exc.message})


async def submit_ads_account_add(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    draft = assets.AdsAccountDraft(**_pick(_values(body), "advertiser_id", "display_name"))

    async def save(session: AsyncSession, actor: Actor) -> dict[str, Any]:
        account = await assets.add_ads_account(session, actor=actor, draft=draft)
        step = await assets.next_step(session, actor=actor)
        return render_ads_account_saved(account, next_step=step)

    await _save(ack, body, client, context, save)


async def submit_anchor_add(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    fields = ("kind", "name", "country", "url", "ios_url", "android_url", "product_id")
    draft = assets.AnchorDraft(**_pick(_values(body), *fields))

    async def save(session: AsyncSession, actor: Actor) -> dict[str, Any]:
        anchor = await assets.add_anchor(session, actor=actor, draft=draft)
        step = await assets.next_step(session, actor=actor)
        return render_anchor_saved(anchor, next_step=step)

    await _save(ack, body, client, context, save)


async def submit_ads_account_edit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    draft = assets.AdsAccountDraft(**_pick(_values(body), "display_name"))
    account_id = read_metadata((body.get("view") or {}).get("private_metadata")).get("id")

    async def save(session: AsyncSession, actor: Actor) -> dict[str, Any]:
        if not isinstance(account_id, int):
            raise NotFound("That Ads Manager account doesn't exist any more, or isn't in this workspace.")
        account = await assets.update_ads_account(session, actor=actor, account_id=account_id, draft=draft)
        step = await assets.next_step(session, actor=actor)
        return render_ads_account_saved(account, next_step=step, created=False)

    try:
        await _save(ack, body, client, context, save)
    except NotFound as exc:
        await ack(response_action="errors", errors={"display_name": exc.message})


async def submit_anchor_edit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    fields = ("kind", "name", "country", "url", "ios_url", "android_url", "product_id")
    draft = assets.AnchorDraft(**_pick(_values(body), *fields))
    anchor_id = read_metadata((body.get("view") or {}).get("private_metadata")).get("id")

    async def save(session: AsyncSession, actor: Actor) -> dict[str, Any]:
        if not isinstance(anchor_id, int):
            raise NotFound("That anchor doesn't exist any more, or isn't in this workspace.")
        anchor = await assets.update_anchor(session, actor=actor, anchor_id=anchor_id, draft=draft)
        step = await assets.next_step(session, actor=actor)
        return render_anchor_saved(anchor, next_step=step, created=False)

    try:
        await _save(ack, body, client, context, save)
    except NotFound as exc:
        await ack(response_action="errors", errors={"name": exc.message})


def _pick(values: dict[str, str | None], *names: str) -> dict[str, str | None]:
    """Only the form's own fields: a crafted extra block is ignored, a missing one is empty."""
    return {name: values.get(name) for name in names}


def register(app: AsyncApp) -> None:
    app.view(BRAND_ADD)(submit_brand_add)
    app.view(BRAND_EDIT)(submit_brand_edit)
    app.view(ADS_ACCOUNT_ADD)(submit_ads_account_add)
    app.view(ANCHOR_ADD)(submit_anchor_add)
    app.view(ADS_ACCOUNT_EDIT)(submit_ads_account_edit)
    app.view(ANCHOR_EDIT)(submit_anchor_edit)
