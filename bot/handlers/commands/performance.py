"""`/liteproject performance <project>`: totals and top videos now, the chart into the thread soon."""

from __future__ import annotations

from bot.blocks.performance import connect_first_message, performance_message
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.projects_flow import answer_performance, find_by_name


@subcommand(
    "performance",
    usage="performance <project>",
    description="A project's results from TikTok: views (organic and paid), engagement, ad spend and "
    "cost per result, the top videos, and a chart in the project's thread.",
    aliases=("results", "stats"),
    details="Figures come from TikTok One and TikTok for Business once a day (METRICS_REFRESH_HOURS); "
    "each says when TikTok gave it and whether it is final.",
)
async def show_performance(call: Invocation) -> None:
    await call.ack()
    project = await find_by_name(call.context, call.args)
    answer = await answer_performance(call.context, project)
    if answer.performance is None:
        await call.respond(**connect_first_message(answer.connect_url))
        return
    await call.respond(**performance_message(answer.performance, chart_coming=answer.chart_queued))
