"""Asking for a project's performance, and the durable job that charts it into its thread.

The answer (totals, top videos) is read from the stored figures at once; the chart is drawn and
uploaded by a `performance_chart` job written in the same transaction, never on Slack's ack. The
job uploads with files upload v2 into the project's thread (its card), or its channel when it has
no card yet. Two asks within the same minute make one chart (the job's key).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs.registry import GiveUp, JobRun, RetryLater, job_kind
from bot.services.job_rows import queue_about
from bot.services.performance.chart import render_chart
from bot.services.performance.report import ProjectPerformance, has_report_source, project_performance
from bot.services.tiktok_oauth import connect_link
from bot.services.workspaces import Actor
from bot.settings import Settings
from storage.models import LiteProject, TikTokConnectionKind, Workspace, utcnow

log = logging.getLogger(__name__)

CHART = "performance_chart"
# Slack errors retrying can't fix: the job is parked with the reason
PERMANENT = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "invalid_auth",
    "token_revoked",
    "account_inactive",
}


@dataclass(frozen=True)
class PerformanceAnswer:
    connected: bool
    connect_url: str | None
    performance: ProjectPerformance | None
    chart_queued: bool


async def ask(
    session: AsyncSession, *, settings: Settings, actor: Actor, workspace: Workspace, project: LiteProject
) -> PerformanceAnswer:
    """What `/liteproject performance` answers; queues the chart when there is something to chart."""
    assert workspace.id is not None and project.id is not None
    settings_token = bool(settings.tiktok_business_access_token) and not settings.oauth_enabled
    if not await has_report_source(session, workspace_id=workspace.id, settings_token=settings_token):
        url = (
            connect_link(
                settings, workspace_id=workspace.id, user_id=actor.user_id, kind=TikTokConnectionKind.BUSINESS
            )
            if settings.tiktok_connect_enabled
            else None
        )
        return PerformanceAnswer(False, url, None, False)
    performance = await project_performance(session, project=project)
    queued = False
    if performance.has_data:
        queued = await queue_chart(session, project=project, requested_by=actor.user_id, now=utcnow())
    return PerformanceAnswer(True, None, performance, queued)


async def queue_chart(
    session: AsyncSession,
    *,
    project: LiteProject,
    requested_by: str,
    now: dt.datetime,
    key: str | None = None,
) -> bool:
    key = key or f"perf-chart:{project.id}:{now:%Y%m%d%H%M}"
    return await queue_about(session, project, kind=CHART, key=key, requested_by=requested_by)


@job_kind(CHART, max_attempts=5, rate=1.0, burst=2)
async def upload_chart(run: JobRun) -> None:
    context = run.context
    project_id = run.payload.get("project_id")
    if not isinstance(project_id, int) or context.slack is None:
        return
    async with context.sessions() as session:
        project = await session.get(LiteProject, project_id)
        if project is None:
            return
        workspace = await session.get(Workspace, project.workspace_id)
        performance = await project_performance(session, project=project)
    if not performance.has_data or workspace is None:
        return
    token = None
    if context.slack_tokens is not None:
        token = await context.slack_tokens(workspace.team_id, workspace.enterprise_id)
        if token is None:
            raise GiveUp("liteproject is no longer installed in this workspace")
    png = await asyncio.to_thread(render_chart, performance)
    in_thread = project.card_channel_id is not None and project.card_ts is not None
    channel = project.card_channel_id if in_thread else project.channel_id
    requested_by = run.payload.get("requested_by")
    comment = f"Views of “{performance.link_name}”, as TikTok reports them"
    if isinstance(requested_by, str) and requested_by:
        comment += f" (asked by <@{requested_by}>)"
    try:
        await context.slack.files_upload_v2(
            channel=channel,
            thread_ts=project.card_ts if in_thread else None,
            file=png,
            filename=f"performance-{performance.today.isoformat()}.png",
            title=f"{performance.link_name}: views"[:250],
            initial_comment=comment + ".",
            request_file_info=False,
            token=token,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error", ""))
        if exc.response.status_code == 429:
            raise RetryLater(
                "Slack is rate limiting", retry_after=float(exc.response.headers.get("Retry-After", 30))
            ) from None
        if error in PERMANENT:
            raise GiveUp(f"Slack refused the chart ({error})") from None
        raise RetryLater(f"Slack refused the chart ({error})") from None
