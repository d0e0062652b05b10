"""Submissions of the asset modals: check with the service, answer errors inline or close and confirm."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.assets import (
    ADS_ACCOUNT_ADD,
    ADS_ACCOUNT_EDIT,
    ANCHOR_ADD,
    ANCHOR_EDIT,
    BRAND_ADD,
    BRAND_EDIT,
    ID_NAMES,
    render_ads_account_saved,
    render_anchor_saved,
    render_brand_saved,
)
from bot.handlers.common import metadata_id, metadata_of, sessions_of
from bot.handlers.views.values import read_values
from bot.services import assets
from bot.services.errors import Forbidden, InvalidInput, NotFound
from bot.services.workspaces import Actor

log = logging.getLogger(__name__)

# a confirmation that can't be shown there is not worth failing for: the change is saved
UNDELIVERABLE = {"channel_not_found", "not_in_channel", "is_archived", "user_not_in_channel"}


@dataclass(frozen=True)
class AssetForm:
    """One asset modal: its fields, the service call that saves it, and the confirmation."""

    fields: tuple[str, ...]
    draft: Callable[..., Any]
    save: Callable[..., Awaitable[Any]]
    render: Callable[..., dict[str, Any]]
    # where a refusal (gone, not theirs to edit) is said: the form has no field for the asset itself
    refusal_field: str = "name"


BRAND_FIELDS = ("name", "website", "contact_email", "logo_url")
ANCHOR_FIELDS = ("kind", "name", "country", "url", "ios_url", "android_url", "product_id")
FORMS = {
    BRAND_ADD: AssetForm(BRAND_FIELDS, assets.BrandDraft, assets.add_brand, render_brand_saved),
    BRAND_EDIT: AssetForm(BRAND_FIELDS, assets.BrandDraft, assets.update_brand, render_brand_saved),
    ADS_ACCOUNT_ADD: AssetForm(
        ("advertiser_id", "display_name"),
        assets.AdsAccountDraft,
        assets.add_ads_account,
        render_ads_account_saved,
    ),
    ADS_ACCOUNT_EDIT: AssetForm(
        ("display_name",),
        assets.AdsAccountDraft,
        assets.update_ads_account,
        render_ads_account_saved,
        refusal_field="display_name",
    ),
    ANCHOR_ADD: AssetForm(ANCHOR_FIELDS, assets.AnchorDraft, assets.add_anchor, render_anchor_saved),
    ANCHOR_EDIT: AssetForm(ANCHOR_FIELDS, assets.AnchorDraft, assets.update_anchor, render_anchor_saved),
}


async def submit_asset(
    ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """Save in one transaction: errors go back inline, success closes the modal and confirms."""
    form = FORMS[view["callback_id"]]
    # an edit form names the asset it edits as the service wants it (e.g. brand_id)
    id_name = ID_NAMES.get(view["callback_id"])
    values = read_values(view)
    # only the form's own fields: a crafted extra block is ignored, a missing one is empty
    draft = form.draft(**{name: values.get(name) for name in form.fields})
    edited = {} if id_name is None else {id_name: metadata_id(view, id_name)}
    actor = Actor.from_context(context)
    try:
        async with sessions_of(context).begin() as session:
            saved = await form.save(session, actor=actor, draft=draft, **edited)
            step = await assets.next_step(session, actor=actor)
    except InvalidInput as exc:
        await ack(response_action="errors", errors=exc.errors)
        return
    except (NotFound, Forbidden) as exc:
        await ack(response_action="errors", errors={form.refusal_field: exc.message})
        return
    await ack()
    channel_id = metadata_of(view).get("channel_id")
    if not channel_id:
        return
    message = form.render(saved, created=id_name is None, next_step=step)
    try:
        await client.chat_postEphemeral(channel=channel_id, user=actor.user_id, **message)
    except SlackApiError as exc:
        if exc.response.get("error") not in UNDELIVERABLE:
            raise
        log.info("confirmation not shown in %s: %s", channel_id, exc.response.get("error"))


def register(app: AsyncApp) -> None:
    for callback_id in FORMS:
        app.view(callback_id)(submit_asset)
