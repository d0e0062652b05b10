"""Linking request modals: opening the first (a project's *Add videos* and `add-videos`), the pasted
links (→ select the videos), and the selection (→ confirm)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.linking import (
    PASTE_CALLBACK,
    SELECT_CALLBACK,
    URLS_BLOCK,
    VIDEOS_BLOCK,
    render_paste_modal,
    render_requests_view,
    render_select_modal,
    videos_block_id,
)
from bot.handlers.common import metadata_id, metadata_of, open_or_push, sessions_of, settings_of
from bot.handlers.views.values import read_values
from bot.services import linking
from bot.services.errors import DomainError, InvalidInput
from bot.services.notices import queue_linking_requests_sent
from bot.services.workspaces import Actor


async def open_paste_modal(
    client: AsyncWebClient, body: dict[str, Any], context: AsyncBoltContext, *, project_id: int
) -> None:
    async with sessions_of(context)() as session:
        project = await linking.start_request(
            session,
            actor=Actor.from_context(context),
            project_id=project_id,
            entitled=settings_of(context).linking_requests_enabled,
        )
    await open_or_push(client, body, render_paste_modal(project))


async def submit_paste(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    text = read_values(view).get(URLS_BLOCK)
    try:
        async with sessions_of(context)() as session:
            pasted = await linking.parse_pasted(
                session,
                actor=Actor.from_context(context),
                project_id=metadata_id(view, "project_id"),
                text=text,
                entitled=settings_of(context).linking_requests_enabled,
            )
    except InvalidInput as invalid:
        await ack(response_action="errors", errors={URLS_BLOCK: invalid.errors.get("urls", invalid.message)})
        return
    except DomainError as error:
        await ack(response_action="errors", errors={URLS_BLOCK: error.message})
        return
    await ack(response_action="update", view=render_select_modal(pasted))


async def submit_selection(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    selected = [
        key
        for block_id, keys in read_values(view).items()
        if block_id.startswith(f"{VIDEOS_BLOCK}_") and isinstance(keys, list)
        for key in keys
    ]
    settings = settings_of(context)
    actor = Actor.from_context(context)
    try:
        async with sessions_of(context).begin() as session:
            confirmation = await linking.confirm_videos(
                session,
                actor=actor,
                project_id=metadata_id(view, "project_id"),
                candidates=linking.candidates_from_compact(metadata_of(view).get("videos")),
                selected=selected,
                expires_after_days=settings.linking_request_days,
                entitled=settings.linking_requests_enabled,
                lookups=bool(settings.tiktok_oembed_url),
            )
            await queue_linking_requests_sent(
                session,
                project=confirmation.project,
                actor_id=actor.user_id,
                request_ids=[
                    item.request.id for item in confirmation.requests if item.request.id is not None
                ],
            )
    except DomainError as error:
        await ack(response_action="errors", errors={videos_block_id(0): error.message})
        return
    # the links (bearer secrets) stay with the person who sent them: this modal and a DM
    await ack(response_action="update", view=render_requests_view(confirmation, settings.public_base_url))


def register(app: AsyncApp) -> None:
    app.view(PASTE_CALLBACK)(submit_paste)
    app.view(SELECT_CALLBACK)(submit_selection)
