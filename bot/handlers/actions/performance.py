"""*Performance* on the project card and App Home: the same answer as `/liteproject performance`."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.performance import connect_first_message, performance_message
from bot.blocks.projects import SHOW_PERFORMANCE
from bot.handlers.common import answer_privately, value_id
from bot.handlers.projects_flow import answer_performance, get_by_id


async def show_performance(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    project = await get_by_id(context, value_id(body))
    answer = await answer_performance(context, project)
    message = (
        connect_first_message(answer.connect_url)
        if answer.performance is None
        else performance_message(answer.performance, chart_coming=answer.chart_queued)
    )
    await answer_privately(body=body, context=context, client=client, message=message, title="Performance")


def register(app: AsyncApp) -> None:
    app.action(SHOW_PERFORMANCE)(show_performance)
