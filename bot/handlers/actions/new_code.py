"""*Ask for a new code* in a video's details: the message to send, and "new code requested"."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.videos import VIDEO_ASK_NEW_CODE, render_new_code_modal
from bot.handlers.actions.videos import _id_of, _in_modal
from bot.services import spark_checks
from bot.services.projects import invite_url
from bot.services.workspaces import Actor


async def ask_for_new_code(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    video_id = _id_of(body, "video")
    async with context["sessions"].begin() as session:
        video, project = await spark_checks.ask_for_new_code(
            session, actor=Actor.from_context(context), video_id=video_id
        )
    view = render_new_code_modal(
        video, project, invite_url=invite_url(context["settings"].public_base_url, project)
    )
    if _in_modal(body):
        await client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        await client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: AsyncApp) -> None:
    app.action(VIDEO_ASK_NEW_CODE)(ask_for_new_code)
