"""*Ask for a new code* in a video's details: the message to send, and "new code requested"."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.videos import VIDEO_ASK_NEW_CODE, render_new_code_modal
from bot.handlers.common import open_or_push, sessions_of, settings_of, value_id
from bot.services import spark_checks
from bot.services.projects import invite_url
from bot.services.workspaces import Actor


async def ask_for_new_code(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    async with sessions_of(context).begin() as session:
        video, project = await spark_checks.ask_for_new_code(
            session, actor=Actor.from_context(context), video_id=value_id(body)
        )
    view = render_new_code_modal(
        video, project, invite_url=invite_url(settings_of(context).public_base_url, project)
    )
    await open_or_push(client, body, view)


def register(app: AsyncApp) -> None:
    app.action(VIDEO_ASK_NEW_CODE)(ask_for_new_code)
