"""App Home's TikTok buttons: *Connect* (a link: only acked here) and *Disconnect*."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.connections import (
    ADOPT_TIKTOK_ONE_PROJECT,
    CONNECT_TIKTOK,
    DISCONNECT_TIKTOK,
    PICK_TIKTOK_ONE_ACCOUNT,
)
from bot.blocks.errors import render_notice
from bot.handlers.common import publish_home, sessions_of, value_id, value_of, value_parts
from bot.services import connections, projects, tiktok_one_sync
from bot.services.errors import InvalidInput
from bot.services.permissions import require_manager
from bot.services.workspaces import Actor
from storage.models import TikTokConnectionKind


async def ack_connect(ack: AsyncAck) -> None:
    await ack()  # the button opens the connect link in the browser; nothing to do in Slack


async def disconnect_tiktok(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    kind = TikTokConnectionKind(value_of(body) or TikTokConnectionKind.BUSINESS.value)
    async with sessions_of(context).begin() as session:
        await connections.disconnect_as(session, actor=Actor.from_context(context), kind=kind)
    await publish_home(client, context, user_id=body["user"]["id"])


async def pick_tiktok_one_account(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    account = value_of(body)
    async with sessions_of(context).begin() as session:
        await connections.pick_account(
            session,
            actor=Actor.from_context(context),
            kind=TikTokConnectionKind.TIKTOK_ONE,
            account_id=account,
        )
    await publish_home(client, context, user_id=body["user"]["id"])


async def adopt_tiktok_one_project(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    await ack()
    campaign_id = value_parts(body, 2)[1]
    if value_id(body) < 0 or not campaign_id:
        raise InvalidInput(
            {"campaign": "That choice isn't one of the list: ask for it again with /liteproject adopt."}
        )
    actor = Actor.from_context(context)
    async with sessions_of(context).begin() as session:
        project = await projects.get_project(session, actor=actor, project_id=value_id(body))
        await require_manager(session, actor=actor, project=project, action="edit")
        account = await tiktok_one_sync.tiktok_one_account(session, workspace_id=project.workspace_id)
        await tiktok_one_sync.adopt_campaign(
            session, project=project, account=account or "", campaign_id=campaign_id, actor=actor.user_id
        )
    notice = render_notice(
        f"Linking “{project.link_name}” to TikTok One lite project {campaign_id}: "
        "its card shows TikTok One's invite link in a moment."
    )
    await respond(**{**notice, "replace_original": True})


def register(app: AsyncApp) -> None:
    app.action(ADOPT_TIKTOK_ONE_PROJECT)(adopt_tiktok_one_project)
    app.action(PICK_TIKTOK_ONE_ACCOUNT)(pick_tiktok_one_account)
    app.action(CONNECT_TIKTOK)(ack_connect)
    app.action(DISCONNECT_TIKTOK)(disconnect_tiktok)
