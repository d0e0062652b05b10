"""Spark codes checked with TikTok API for Business, and applied to Ads Manager from Slack.

- `spark_code_check` (a durable job, queued in the transaction that stores a code: a delivery, a
  linking request's answer, a re-send) asks `tt_video/info/` with one of the project's
  advertiser ids: the code must unlock this very video (`item_info.item_id`); its
  `auth_end_time` replaces the end estimated from the project's period, its `ad_auth_status` is
  kept; an unknown or expired code is marked in words a person understands. A code shorter than
  the project's period is flagged with the dates. Without a connection nothing is checked and the
  app works as before.
- `ads_authorize` (one job per Ads Manager account) calls `tt_video/authorize/` and records, per
  account: added, already added, or TikTok's reason.
- A revoked or expired token turns the connection to "needs reconnecting" (one DM); the jobs
  then stop asking TikTok until someone connects again.
TikTok's error `code` and `request_id` go to the log only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs.registry import GiveUp, JobContext, JobRun, RetryLater, job_kind
from bot.services import connections
from bot.services.audit import record_event
from bot.services.errors import Conflict, NotFound
from bot.services.job_rows import payload_id, queue_about, queue_about_in_unit, video_and_project
from bot.services.notices import NoticeKind, queue_alert_refresh, queue_card_refresh
from bot.services.permissions import require_manager
from bot.services.workspaces import Actor, workspace_id_of
from bot.settings import Settings
from bot.tiktok import tt_video
from bot.tiktok.business_api import BusinessApiClient, BusinessApiUnavailable, TikTokApiError, parse_time
from storage import alerts as alert_queries
from storage import assets as asset_queries
from storage import connections as connection_queries
from storage import outbox as outbox_queries
from storage import projects as project_queries
from storage import videos as video_queries
from storage.models import (
    AdsAccount,
    AdsPlacement,
    Job,
    LiteProject,
    SparkCheck,
    TikTokConnectionKind,
    TikTokConnectionStatus,
    Video,
    VideoAdsAccount,
    VideoStatus,
    utcnow,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")

CHECK = "spark_code_check"
AUTHORIZE = "ads_authorize"
ALERT_REFRESH = "video_alert_refresh"
BULK_SUMMARY = "ads_bulk_summary"
CONFIRM = "ads_confirm"
CONFIRM_AFTER = 60.0  # seconds: tt_video/authorize takes effect after a while, then the post is listed
BUSINESS = TikTokConnectionKind.BUSINESS
THROTTLE_PAUSE = 60.0  # seconds a QPS refusal pauses the kind (TikTok's limits are per minute)

# what a person reads, never TikTok's code
PROBLEM_OTHER_VIDEO = "this code unlocks a different video"
PROBLEM_INVALID = (
    "TikTok doesn't recognise this code: it may be mistyped, deleted by the creator, or not a spark code"
)
PROBLEM_EXPIRED = "this code has expired on TikTok: ask the creator for a new one"
CODE_PROBLEMS = (SparkCheck.OTHER_VIDEO, SparkCheck.INVALID, SparkCheck.EXPIRED)


def _code_hash(code: str) -> str:
    return hashlib.blake2b(code.encode(), digest_size=8).hexdigest()


async def queue_check(
    session: AsyncSession, *, video: Video, server_token: bool = False, again: bool = False
) -> bool:
    """Queue the check of the video's current code (in the caller's transaction), once per code,
    when the workspace is connected (`server_token`: TIKTOK_BUSINESS_ACCESS_TOKEN stands in for a
    connection not stored yet)."""
    assert video.id is not None
    video.spark_check = SparkCheck.UNCHECKED
    video.spark_problem = None
    if not video.spark_code:
        return False
    connection = await connection_queries.get_connection(
        session, workspace_id=video.workspace_id, kind=BUSINESS
    )
    if not _may_check(None if connection is None else connection.status, server_token=server_token):
        return False
    return await queue_about(
        session, video, kind=CHECK, key=_check_key(video.id, video.spark_code, again=again)
    )


def queue_check_in_unit(connection: Connection, *, video: Video, server_token: bool = False) -> bool:
    """`queue_check` of a video just stored, in a write unit (see `storage.writer`)."""
    if not video.spark_code:
        return False
    status = connection_queries.connection_status(connection, workspace_id=video.workspace_id, kind=BUSINESS)
    if not _may_check(status, server_token=server_token):
        return False
    return queue_about_in_unit(connection, video, kind=CHECK, key=_check_key(video.id, video.spark_code))


def _may_check(status: TikTokConnectionStatus | None, *, server_token: bool) -> bool:
    return status is TikTokConnectionStatus.CONNECTED or (status is None and server_token)


def _check_key(video_id: int | None, code: str, *, again: bool = False) -> str:
    # once per code; `again` (a new connection) asks anew about a code asked about before
    return f"spark-check:{video_id}:{_code_hash(code)}" + (f":{secrets.token_hex(4)}" if again else "")


# --- which advertiser to ask with ------------------------------------------------------------------


async def project_accounts(session: AsyncSession, *, project: LiteProject) -> list[AdsAccount]:
    assert project.id is not None
    ids = await project_queries.project_ads_account_ids(session, project_id=project.id)
    return sorted(
        await asset_queries.get_ads_accounts(session, workspace_id=project.workspace_id, ids=ids),
        key=lambda account: account.display_name.lower(),
    )


def reachable(credential: connections.Credential, account: AdsAccount) -> bool:
    """Whether the token may act for the account (a token of unknown reach is given the benefit)."""
    return not credential.account_ids or account.advertiser_id in credential.account_ids


def advertiser_to_check_with(credential: connections.Credential, accounts: list[AdsAccount]) -> str | None:
    for account in accounts:
        if reachable(credential, account):
            return account.advertiser_id
    return credential.account_ids[0] if credential.account_ids else None


async def _credential(
    session: AsyncSession, context: JobContext, video: Video
) -> connections.Credential | None:
    """The token to ask TikTok about the video with; None when its workspace isn't connected."""
    return await connections.token_for(
        session, settings=context.settings, workspace_id=video.workspace_id, kind=BUSINESS
    )


async def _call(
    context: JobContext,
    credential: connections.Credential,
    endpoint: Callable[Concatenate[BusinessApiClient, P], Awaitable[T]],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T | TikTokApiError:
    """One call to TikTok with the credential: a failure worth retrying raises RetryLater; a refused
    token marks the connection "needs reconnecting" and, like any other refusal, comes back for the
    caller to judge."""
    client = BusinessApiClient(
        context.client(), credential.access_token, context.settings.tiktok_business_api_url
    )
    try:
        return await endpoint(client, *args, **kwargs)
    except TikTokApiError as error:
        if error.auth_failed:
            await _refused_token(context, credential, error)
        elif error.retryable:
            raise _retry(error) from None
        return error
    except BusinessApiUnavailable as error:
        raise _retry(error) from None


async def _refused_token(
    context: JobContext, credential: connections.Credential, error: TikTokApiError
) -> None:
    async with context.sessions.begin() as session:
        await connections.mark_needs_reconnecting_by_id(
            session,
            connection_id=credential.connection_id,
            reason=f"TikTok refused the token (code {error.code}, request {error.request_id})",
        )
    context.on_queued()


def _retry(error: TikTokApiError | BusinessApiUnavailable) -> RetryLater:
    if isinstance(error, BusinessApiUnavailable):
        return RetryLater(str(error), retry_after=error.retry_after)
    # the reason shows in /liteproject status: words there, TikTok's code and request id in the log
    log.info("TikTok API error %s (request_id %s): retrying", error.code, error.request_id)
    if error.throttled:
        return RetryLater("TikTok asked to slow down (rate limit)", retry_after=THROTTLE_PAUSE)
    return RetryLater("TikTok had a server error")


# --- the check --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    check: SparkCheck
    problem: str | None = None
    ends_at: dt.datetime | None = None
    auth_status: str | None = None


def verdict_of(info: tt_video.VideoInfo, video: Video, *, now: dt.datetime) -> Verdict:
    ends = parse_time(info.auth_info.auth_end_time)
    status = (info.auth_info.ad_auth_status or "")[:32] or None
    item = (info.item_info.item_id or "").strip()
    if video.tiktok_video_id and item and item != video.tiktok_video_id:
        return Verdict(SparkCheck.OTHER_VIDEO, PROBLEM_OTHER_VIDEO, ends, status)
    if ends is not None and ends <= now:
        return Verdict(SparkCheck.EXPIRED, PROBLEM_EXPIRED, ends, status)
    return Verdict(SparkCheck.VERIFIED, None, ends, status)


def verdict_of_error(error: TikTokApiError) -> Verdict:
    if "expire" in error.message.lower():
        return Verdict(SparkCheck.EXPIRED, PROBLEM_EXPIRED)
    return Verdict(SparkCheck.INVALID, PROBLEM_INVALID)


def is_too_short(video: Video, project: LiteProject) -> bool:
    """A verified code that ends before the project's period has run from its authorization."""
    if video.spark_ends_at is None or video.spark_check is not SparkCheck.VERIFIED:
        return False
    start = video.authorized_at or video.delivered_at
    return video.spark_ends_at < start + dt.timedelta(days=project.authorization_days) - dt.timedelta(
        hours=12
    )


# what TikTok API for Business said about a code, in the same words everywhere (CSV included)
SPARK_CHECK_WORDS = {
    SparkCheck.UNCHECKED: "not checked with TikTok",
    SparkCheck.VERIFIED: "verified with TikTok",
    SparkCheck.OTHER_VIDEO: "unlocks a different video",
    SparkCheck.INVALID: "not recognised by TikTok",
    SparkCheck.EXPIRED: "expired on TikTok",
}
PROBLEM_TOO_SHORT = "shorter than the project's period"


def spark_check_word(video: Video, project: LiteProject) -> str:
    if video.spark_check is SparkCheck.VERIFIED and is_too_short(video, project):
        return f"verified with TikTok, {PROBLEM_TOO_SHORT}"
    return SPARK_CHECK_WORDS[SparkCheck(video.spark_check)]


def has_code_problem(video: Video, project: LiteProject) -> bool:
    return bool(video.spark_code) and (video.spark_check in CODE_PROBLEMS or is_too_short(video, project))


@job_kind(CHECK, max_attempts=8, rate=1.0, burst=2)
async def run_check(run: JobRun) -> None:
    context = run.context
    video_id = payload_id(run, "video_id")
    if video_id is None:
        return
    async with context.sessions.begin() as session:
        found = await video_and_project(session, video_id=video_id)
        code = found[0].spark_code if found is not None else None
        if found is None or not code:
            return
        video, project = found
        credential = await _credential(session, context, video)
        advertiser = (
            advertiser_to_check_with(credential, await project_accounts(session, project=project))
            if credential is not None
            else None
        )
    if credential is None or advertiser is None:
        return  # not connected (or nothing to ask with): the code stays as delivered, unchecked
    info = await _call(context, credential, tt_video.video_info, advertiser_id=advertiser, auth_code=code)
    if isinstance(info, TikTokApiError):
        if info.auth_failed:
            return
        if info.permission_denied:
            raise GiveUp(f"the connection may not act for advertiser {advertiser}")
        verdict = verdict_of_error(info)
    else:
        verdict = verdict_of(info, video, now=utcnow())
    async with run.finish() as session:
        queued = await record_verdict(session, video_id=video_id, code=code, verdict=verdict)
    if queued:
        context.on_queued()


async def record_verdict(session: AsyncSession, *, video_id: int, code: str, verdict: Verdict) -> bool:
    """Store what TikTok said about `code`, unless the video carries another code by now."""
    video = await session.get(Video, video_id, with_for_update=True)
    if video is None or video.spark_code != code:
        return False
    project = await session.get(LiteProject, video.project_id)
    assert project is not None and video.id is not None
    previous_end = video.spark_ends_at
    video.spark_check = verdict.check
    video.spark_problem = verdict.problem
    video.spark_checked_at = utcnow()
    video.spark_auth_status = verdict.auth_status
    if verdict.ends_at is not None:
        video.spark_ends_at = verdict.ends_at
    if verdict.check is SparkCheck.VERIFIED and is_too_short(video, project):
        video.spark_problem = PROBLEM_TOO_SHORT  # kept so the "Code problems" filter finds it
    if (
        verdict.check is SparkCheck.VERIFIED
        and verdict.ends_at is not None
        and verdict.ends_at != previous_end
    ):
        # a code with a new end date: the reminders start afresh, and a request for a new code is answered
        video.new_code_requested_at = None
        video.ending_reminded_at = video.last_day_reminded_at = video.ended_reminded_at = None
        if video.status == VideoStatus.EXPIRED:
            video.status = VideoStatus.AUTHORIZED
    record_event(
        session,
        video,
        actor="tiktok",
        action="video.spark_code_checked",
        after={
            "check": verdict.check.value,
            "ends_at": verdict.ends_at.isoformat() if verdict.ends_at else None,
            "ad_auth_status": verdict.auth_status,
        },
    )
    queued = await refresh_alerts(
        session, project=project, video=video, reason=f"spark-check-{_code_hash(code)}"
    )
    await queue_card_refresh(session, project=project, reason=f"spark-check-{video.id}")
    return queued


async def refresh_alerts(
    session: AsyncSession, *, project: LiteProject, video: Video, reason: str, reviewed_by: str | None = None
) -> bool:
    """Edit the video's posted alerts to show it as it is now. An alert still on its way may have
    been drawn before this change: a job edits it once it is posted."""
    assert video.id is not None
    # unsent first, posted second: an alert marked sent between the two reads is then seen as
    # posted (the other order could miss it in both)
    unsent = await alert_queries.video_alert_unsent(
        session, workspace_id=video.workspace_id, video_id=video.id
    )
    queued = await queue_alert_refresh(
        session,
        project=project,
        video=video,
        reason=f"{reason}-{secrets.token_hex(4)}",
        reviewed_by=reviewed_by,
    )
    if unsent:
        await queue_about(
            session,
            video,
            kind=ALERT_REFRESH,
            key=f"alert-refresh:{video.id}:{reason}:{secrets.token_hex(4)}",
        )
    return queued > 0


@job_kind(ALERT_REFRESH, max_attempts=10, rate=5.0, burst=5)
async def run_alert_refresh(run: JobRun) -> None:
    video_id = payload_id(run, "video_id")
    if video_id is None:
        return
    async with run.context.sessions() as session:
        video = await session.get(Video, video_id)
        if video is None:
            return
        if await alert_queries.video_alert_unsent(
            session, workspace_id=video.workspace_id, video_id=video_id
        ):
            raise RetryLater("the alert isn't posted yet", retry_after=1.0)
    async with run.finish() as session:
        found = await video_and_project(session, video_id=video_id)
        queued = 0
        if found is not None:
            queued = await queue_alert_refresh(
                session, project=found[1], video=found[0], reason=f"later-{secrets.token_hex(4)}"
            )
    if queued:
        run.context.on_queued()


# --- Add to Ads Manager ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    account: AdsAccount
    state: AdsPlacement | None  # None: never asked
    reason: str | None = None
    seen: bool = False  # the post shows among the account's authorized videos


async def placements(session: AsyncSession, *, video: Video, project: LiteProject) -> list[Placement]:
    """The project's Ads Manager accounts and where the video's code stands in each."""
    assert video.id is not None
    rows = {
        row.ads_account_id: row for row in await video_queries.placements_of(session, video_ids=[video.id])
    }
    result = []
    for account in await project_accounts(session, project=project):
        row = rows.get(account.id or 0)
        result.append(
            Placement(
                account,
                row.state if row else None,
                row.reason if row else None,
                row is not None and row.seen_at is not None,
            )
        )
    return result


async def forget_placements(session: AsyncSession, *, video: Video) -> None:
    """A new code replaced the video's code: the old one's Ads Manager results no longer apply."""
    assert video.id is not None
    await video_queries.forget_placements(session, video_id=video.id)


def may_replace_code(video: Video) -> bool:
    """A creator's re-send replaces the stored code when the team asked for a new one, or the old
    one is refused by TikTok or has run out."""
    return (
        video.new_code_requested_at is not None
        or video.spark_check in CODE_PROBLEMS
        or video.status == VideoStatus.EXPIRED
    )


def may_ask_for_new_code(video: Video, project: LiteProject, *, now: dt.datetime | None = None) -> bool:
    """A new code is worth asking for: TikTok refused this one, it is too short, or it ends within
    a week (or has ended)."""
    if not video.spark_code:
        return False
    if has_code_problem(video, project) or video.status == VideoStatus.EXPIRED or video.new_code_requested_at:
        return True
    from bot.services.videos import authorization_ends_at  # it builds on this module

    ends = authorization_ends_at(video, project)
    return ends is not None and ends <= (now or utcnow()) + dt.timedelta(days=7)


def can_add(video: Video) -> bool:
    return bool(video.spark_code) and video.spark_check not in CODE_PROBLEMS


@dataclass(frozen=True)
class AddRequest:
    video: Video
    project: LiteProject
    queued: int
    accounts: int


async def add_to_ads_manager(
    session: AsyncSession, *, actor: Actor, video_id: int, settings: object | None = None
) -> AddRequest:
    """Queue `tt_video/authorize/` for each of the project's accounts not yet holding the code."""
    workspace_id = await workspace_id_of(session, actor)
    video = await video_queries.get_video_for_update(session, workspace_id=workspace_id, video_id=video_id)
    if video is None:
        raise NotFound("This video is no longer in liteproject.")
    project = await session.get(LiteProject, video.project_id)
    assert project is not None
    await require_manager(session, actor=actor, project=project, action="ads_manager")
    return await _queue_placements(session, actor=actor, video=video, project=project)


async def _queue_placements(
    session: AsyncSession, *, actor: Actor, video: Video, project: LiteProject
) -> AddRequest:
    assert video.id is not None
    if not video.spark_code:
        raise Conflict("This video has no spark code yet: ask the creator for one first.")
    if video.spark_check in CODE_PROBLEMS:
        raise Conflict(f"This code can't be added: {video.spark_problem or 'TikTok refused it'}.")
    accounts = await project_accounts(session, project=project)
    if not accounts:
        raise Conflict(
            "This project has no Ads Manager accounts. Add one with *Edit details* on the project, then try again."
        )
    queued = 0
    current = {
        placement.account.id: placement.state
        for placement in await placements(session, video=video, project=project)
    }
    for account in accounts:
        assert account.id is not None
        if current.get(account.id) in (AdsPlacement.ADDED, AdsPlacement.ALREADY_ADDED):
            continue
        row = await session.get(VideoAdsAccount, (video.id, account.id))
        if row is None:
            row = VideoAdsAccount(video_id=video.id, ads_account_id=account.id)
            session.add(row)
        row.state, row.reason, row.requested_by, row.updated_at = (
            AdsPlacement.PENDING,
            None,
            actor.user_id,
            utcnow(),
        )
        await queue_about(
            session,
            video,
            kind=AUTHORIZE,
            # each press is its own try (a refused account may be asked again later)
            key=f"ads-authorize:{video.id}:{account.id}:{secrets.token_hex(8)}",
            ads_account_id=account.id,
        )
        queued += 1
    await session.flush()
    return AddRequest(video, project, queued, len(accounts))


async def addable_videos(session: AsyncSession, *, project: LiteProject) -> list[Video]:
    """The project's verified codes not yet in every one of its Ads Manager accounts."""
    assert project.id is not None
    found = []
    for video in await video_queries.all_project_videos(
        session, workspace_id=project.workspace_id, project_id=project.id
    ):
        if video.spark_check is not SparkCheck.VERIFIED or not video.spark_code:
            continue
        where = await placements(session, video=video, project=project)
        if any(
            p.state not in (AdsPlacement.ADDED, AdsPlacement.ALREADY_ADDED, AdsPlacement.PENDING)
            for p in where
        ):
            found.append(video)
    return found


@dataclass(frozen=True)
class BulkAdd:
    project: LiteProject
    videos: int
    calls: int


async def add_project_codes(session: AsyncSession, *, actor: Actor, project_id: int) -> BulkAdd:
    """Queue every verified, not-yet-added code of the project for each of its Ads Manager accounts;
    the person hears a summary once TikTok has answered them all."""
    workspace_id = await workspace_id_of(session, actor)
    project = await project_queries.get_project(session, workspace_id=workspace_id, project_id=project_id)
    if project is None:
        raise NotFound("This project doesn't exist any more, or isn't in this workspace.")
    await require_manager(session, actor=actor, project=project, action="ads_manager")
    video_ids, calls = [], 0
    for video in await addable_videos(session, project=project):
        request = await _queue_placements(session, actor=actor, video=video, project=project)
        if request.queued:
            assert video.id is not None
            video_ids.append(video.id)
            calls += request.queued
    if video_ids:
        await queue_about(
            session,
            project,
            kind=BULK_SUMMARY,
            key=f"ads-bulk:{project_id}:{secrets.token_hex(8)}",
            video_ids=video_ids,
            user_id=actor.user_id,
        )
    return BulkAdd(project, len(video_ids), calls)


@job_kind(BULK_SUMMARY, max_attempts=40, rate=5.0, burst=5)
async def run_bulk_summary(run: JobRun) -> None:
    """Waits until every placement of the batch has TikTok's answer, then sends the summary."""
    project_id, video_ids = run.payload.get("project_id"), run.payload.get("video_ids") or []
    async with run.context.sessions() as session:
        rows = await video_queries.placements_of(session, video_ids=video_ids)
        if any(row.state is AdsPlacement.PENDING for row in rows):
            raise RetryLater("TikTok hasn't answered every account yet", retry_after=2.0)
    counts = {state.value: sum(1 for row in rows if row.state is state) for state in AdsPlacement}
    async with run.finish() as session:
        project = await session.get(LiteProject, project_id)
        if project is None:
            return
        queued = await outbox_queries.add_outbox_message(
            session,
            workspace_id=project.workspace_id,
            dedup_key=f"ads-bulk-summary:{run.key}",
            kind=NoticeKind.ADS_SUMMARY.value,
            channel_id=str(run.payload.get("user_id")),
            payload={
                "project_id": project.id,
                "primary": False,
                "dm": True,
                "videos": len(video_ids),
                **counts,
            },
        )
    if queued:
        run.context.on_queued()


async def _placement_parked(session: AsyncSession, job: Job, context: JobContext) -> None:
    await _set_placement(
        session,
        video_id=int(job.payload.get("video_id", 0)),
        ads_account_id=int(job.payload.get("ads_account_id", 0)),
        state=AdsPlacement.REFUSED,
        reason="TikTok didn't answer after several tries: press Add to Ads Manager again later",
    )


async def _placement_to_ask(
    run: JobRun, ready: Callable[[Video], object]
) -> tuple[Video, AdsAccount, connections.Credential | None] | None:
    """The video and Ads Manager account the job names, and the token to call with (None: not
    connected); None when either is gone or the video isn't `ready` to be asked about."""
    video_id, account_id = payload_id(run, "video_id"), payload_id(run, "ads_account_id")
    if video_id is None or account_id is None:
        return None
    async with run.context.sessions.begin() as session:
        video = await session.get(Video, video_id)
        account = await session.get(AdsAccount, account_id)
        if video is None or account is None or not ready(video):
            return None
        return video, account, await _credential(session, run.context, video)


@job_kind(AUTHORIZE, max_attempts=6, rate=1.0, burst=2, on_parked=_placement_parked)
async def run_authorize(run: JobRun) -> None:
    """Add the code to one Ads Manager account (`tt_video/authorize/`) and record what TikTok said."""
    context = run.context
    found = await _placement_to_ask(run, lambda video: video.spark_code)
    if found is None:
        return
    video, account, credential = found
    assert video.id is not None and account.id is not None and video.spark_code is not None
    state, reason = AdsPlacement.ADDED, None
    if credential is None:
        state, reason = (
            AdsPlacement.REFUSED,
            "TikTok for Business isn't connected (or needs reconnecting): connect it from liteproject's Home tab",
        )
    elif not reachable(credential, account):
        state, reason = AdsPlacement.REFUSED, "the TikTok for Business connection can't reach this account"
    else:
        code, advertiser = video.spark_code, account.advertiser_id
        answer = await _call(
            context, credential, tt_video.authorize, advertiser_id=advertiser, auth_code=code
        )
        if isinstance(answer, TikTokApiError):
            state, reason = _placement_refused(answer)
    async with run.finish() as session:
        queued = await _set_placement(
            session, video_id=video.id, ads_account_id=account.id, state=state, reason=reason
        )
        if state in (AdsPlacement.ADDED, AdsPlacement.ALREADY_ADDED):
            # read it back once TikTok has had time to apply it
            await queue_about(
                session,
                video,
                kind=CONFIRM,
                key=f"ads-confirm:{run.key}",
                run_in=CONFIRM_AFTER,
                ads_account_id=account.id,
            )
    if queued:
        context.on_queued()


@job_kind(CONFIRM, max_attempts=5, rate=1.0, burst=2)
async def run_confirm(run: JobRun) -> None:
    """Look for the post among the account's authorized videos (`tt_video/list/`, by its id)."""
    found = await _placement_to_ask(run, lambda video: video.tiktok_video_id)
    if found is None:
        return
    video, account, credential = found
    if credential is None:
        return
    assert video.tiktok_video_id is not None
    item, advertiser = video.tiktok_video_id, account.advertiser_id
    listed = await _call(run.context, credential, tt_video.find_video, advertiser_id=advertiser, item_id=item)
    if isinstance(listed, TikTokApiError):
        return  # a refused token, or the listing isn't open to this token: "added" stays as TikTok answered it
    if listed is None:
        raise RetryLater("the post isn't listed in the account yet")
    async with run.finish() as session:
        row = await session.get(VideoAdsAccount, (video.id, account.id), with_for_update=True)
        queued = False
        if row is not None and row.state in (AdsPlacement.ADDED, AdsPlacement.ALREADY_ADDED):
            row.seen_at = utcnow()
            project = await session.get(LiteProject, video.project_id)
            if project is not None:
                queued = await refresh_alerts(
                    session, project=project, video=video, reason=f"seen-{account.id}"
                )
    if queued:
        run.context.on_queued()


def _placement_refused(error: TikTokApiError) -> tuple[AdsPlacement, str | None]:
    if error.auth_failed:
        return (
            AdsPlacement.REFUSED,
            "TikTok no longer accepts the connection: connect it again from liteproject's Home tab",
        )
    if "already" in error.message.lower():
        return AdsPlacement.ALREADY_ADDED, None
    return AdsPlacement.REFUSED, _reason(error)


def _reason(error: TikTokApiError) -> str:
    """TikTok's own words (its message), without its code or request id."""
    message = " ".join(error.message.split()).rstrip(".")
    return (f"TikTok says: {message}" if message else "TikTok refused it")[:300]


async def _set_placement(
    session: AsyncSession, *, video_id: int, ads_account_id: int, state: AdsPlacement, reason: str | None
) -> bool:
    row = await session.get(VideoAdsAccount, (video_id, ads_account_id), with_for_update=True)
    video = await session.get(Video, video_id)
    if row is None or video is None:
        return False
    row.state, row.reason, row.updated_at = state, reason, utcnow()
    project = await session.get(LiteProject, video.project_id)
    assert project is not None
    record_event(
        session,
        video,
        actor="tiktok",
        action="video.ads_manager",
        after={"ads_account_id": ads_account_id, "state": state.value},
    )
    return await refresh_alerts(
        session, project=project, video=video, reason=f"ads-{ads_account_id}-{state.value}"
    )


# --- a new code --------------------------------------------------------------------------------------


async def ask_for_new_code(
    session: AsyncSession, *, actor: Actor, video_id: int
) -> tuple[Video, LiteProject]:
    """Mark the video "new code requested" (the caller shows the message to send the creator)."""
    workspace_id = await workspace_id_of(session, actor)
    video = await video_queries.get_video_for_update(session, workspace_id=workspace_id, video_id=video_id)
    if video is None:
        raise NotFound("This video is no longer in liteproject.")
    project = await session.get(LiteProject, video.project_id)
    assert project is not None and video.id is not None
    await require_manager(session, actor=actor, project=project, action="spark_codes")
    if video.new_code_requested_at is None:
        video.new_code_requested_at = utcnow()
        record_event(session, video, actor=actor.user_id, action="video.new_code_requested", after={})
        await refresh_alerts(session, project=project, video=video, reason="new-code")
    return video, project


@dataclass(frozen=True)
class AdsView:
    """What the alert and View details show about Ads Manager for a video."""

    connected: bool
    placements: list[Placement]


async def ads_view(
    session: AsyncSession, *, settings: Settings, video: Video, project: LiteProject
) -> AdsView:
    connected = await connections.is_connected(
        session, settings=settings, workspace_id=video.workspace_id, kind=BUSINESS
    )
    found = await placements(session, video=video, project=project) if video.spark_code else []
    return AdsView(connected and bool(found), found)


async def queue_unchecked(session: AsyncSession, *, workspace_id: int) -> int:
    """A workspace just connected: check every code it already has (authorized, not checked yet)."""
    queued = 0
    for video in await video_queries.unchecked_codes(session, workspace_id=workspace_id):
        queued += await queue_check(session, video=video, again=True)
    return queued
