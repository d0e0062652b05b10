"""App Home's TikTok buttons: *Connect* (a link: only acked here) and *Disconnect*."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.connections import CONNECT_TIKTOK, DISCONNECT_TIKTOK, PICK_TIKTOK_ONE_ACCOUNT
from bot.handlers.common import publish_home, sessions_of
from bot.services import connections
from bot.services.workspaces import Actor
from storage.models import TikTokConnectionKind


async def ack_connect(ack: AsyncAck) -> None:
    await ack()  # the button opens the connect link in the browser; nothing to do in Slack


async def disconnect_tiktok(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    kind = TikTokConnectionKind(body["actions"][0].get("value", TikTokConnectionKind.BUSINESS.value))
    async with sessions_of(context).begin() as session:
        await connections.disconnect_as(session, actor=Actor.from_context(context), kind=kind)
    await publish_home(client, context, user_id=body["user"]["id"])


async def pick_tiktok_one_account(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    account = str((body["actions"][0].get("selected_option") or {}).get("value", ""))
    async with sessions_of(context).begin() as session:
        await connections.pick_account(
            session,
            actor=Actor.from_context(context),
            kind=TikTokConnectionKind.TIKTOK_ONE,
            account_id=account,
        )
    await publish_home(client, context, user_id=body["user"]["id"])


def register(app: AsyncApp) -> None:
    app.action(PICK_TIKTOK_ONE_ACCOUNT)(pick_tiktok_one_account)
    app.action(CONNECT_TIKTOK)(ack_connect)
    app.action(DISCONNECT_TIKTOK)(disconnect_tiktok)
