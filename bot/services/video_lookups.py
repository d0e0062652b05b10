"""What TikTok's oEmbed says about each delivered video, recorded by a durable job.

A delivery (with lookups on) queues an `oembed_lookup` job in its transaction and leaves the
new-video alert to it, so the alert carries what TikTok said and a short link that turns out to be
a video already in the project raises no second alert. The job:
- resolves a short link to the video id and canonical link, merging it into the project's record
  of that video when there is one;
- compares TikTok's `author_unique_id` with the handle the creator gave: a mismatch marks the video
  "not from this creator's account", and the real owner's own delivery takes the record over;
- keeps the caption as the title, and the answer (with its expiring thumbnail URL) in a cache;
- marks a video TikTok no longer shows as unavailable, with a note in the project's thread.
When TikTok can't be reached, the alert goes out after the second failed try without the lookup.
Videos whose authorization is running are looked up afresh once a day.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs import enqueue_in_unit
from bot.jobs.registry import GiveUp, JobContext, JobRun, RetryLater, job_kind, periodic
from bot.services import listing
from bot.services.audit import record_event
from bot.services.job_rows import job_about, payload_id, queue_about, video_and_project
from bot.services.notices import NoticeKind, queue_card_refresh, queue_delivery_notices_in_unit, queue_notice
from bot.settings import Settings
from bot.tiktok.oembed import OEmbedAnswer, OEmbedClient, OEmbedUnavailable
from bot.tiktok.urls import HANDLE, TikTokUrlError, canonical_url, clean_video_id
from storage import jobs as job_queries
from storage import videos as video_queries
from storage.jobs import NewJob
from storage.models import Job, LiteProject, OwnerCheck, ReviewState, Video, VideoStatus, utcnow

log = logging.getLogger(__name__)

LOOKUP = "oembed_lookup"
CACHE_HOURS = 6  # TikTok's signed thumbnail URLs outlive this
ALERT_AFTER_FAILURES = 2  # the alert waits for TikTok at most this many tries


async def queue_lookup(
    session: AsyncSession, *, video: Video, alert: bool, fresh: bool = False, key: str | None = None
) -> bool:
    """Queue a lookup of `video` (in the caller's transaction); `alert`: the job sends its alert."""
    return await queue_about(
        session, video, kind=LOOKUP, key=key or f"oembed:{video.id}", alert=alert, fresh=fresh
    )


def lookup_job(video: Video, *, alert: bool) -> NewJob:
    """A stored video's first lookup (`queue_lookup`'s job in a write unit)."""
    return job_about(video, kind=LOOKUP, key=f"oembed:{video.id}", alert=alert, fresh=False)


def queue_lookup_in_unit(connection: Connection, *, video: Video, alert: bool) -> bool:
    """`queue_lookup` in a write unit (see `storage.writer`)."""
    return enqueue_in_unit(connection, lookup_job(video, alert=alert))


async def queue_delivery_notices(session: AsyncSession, *, project: LiteProject, video: Video) -> bool:
    """The new-video alert, the reviewers' DMs and the card refresh (each once, by its key).

    True when the alert is new (False: it was queued before, e.g. without waiting for TikTok).
    """
    listing.changed(session, workspace_id=project.workspace_id)  # the card's counts, as lists show them
    await session.flush()  # the rows are written with plain statements: what is pending goes first
    connection = await session.connection()
    return await connection.run_sync(partial(queue_delivery_notices_in_unit, project=project, video=video))


async def _notice(
    session: AsyncSession, project: LiteProject, video: Video, kind: NoticeKind, dedup_key: str, **data: Any
) -> bool:
    """A notice about one video of the project."""
    assert video.id is not None
    return await queue_notice(
        session, project=project, kind=kind, dedup_key=dedup_key, video_id=video.id, **data
    )


async def _alert(session: AsyncSession, project: LiteProject, video: Video, dedup_key: str) -> bool:
    """The new-video alert, naming the creator who delivered it."""
    return await _notice(
        session, project, video, NoticeKind.VIDEO_DELIVERED, dedup_key, creator_handle=video.creator_handle
    )


def thumbnail_of(answer: dict[str, Any] | None) -> str | None:
    url = (answer or {}).get("thumbnail_url")
    return url if isinstance(url, str) and url.startswith("https://") and len(url) <= 3000 else None


async def cached_thumbnail(session: AsyncSession, *, video: Video) -> str | None:
    """A fresh thumbnail URL for the video, from the cached oEmbed answer (None when expired)."""
    if video.tiktok_video_id is None or video.unavailable_since is not None:
        return None
    return thumbnail_of(
        await job_queries.cached_oembed(session, video_id=video.tiktok_video_id, now=utcnow())
    )


# --- the job ----------------------------------------------------------------------------------


@job_kind(
    LOOKUP,
    max_attempts=6,
    rate=2.0,
    burst=4,
    on_parked=lambda session, job, context: _parked(session, job, context),
)
async def run_lookup(run: JobRun) -> None:
    context = run.context
    video_id = payload_id(run, "video_id")
    if video_id is None or not context.settings.tiktok_oembed_url:
        return
    async with context.sessions() as session:
        video = await session.get(Video, video_id)
        if video is None:
            return
        link, known_id = video.url, video.tiktok_video_id
        cached = None
        if known_id is not None and not run.payload.get("fresh"):
            cached = await job_queries.cached_oembed(session, video_id=known_id, now=utcnow())
    if cached is not None:
        answer = OEmbedAnswer.model_validate(cached)
    else:
        client = OEmbedClient(context.settings.tiktok_oembed_url, context.client())
        try:
            answer = await client.lookup(link)
        except OEmbedUnavailable as exc:
            if run.payload.get("alert") and run.attempts + 1 >= ALERT_AFTER_FAILURES:
                await _alert_without_lookup(context, video_id)
            raise RetryLater(str(exc), retry_after=exc.retry_after) from None
    queued = False
    async with run.finish() as session:
        queued = await record_answer(
            session, video_id=video_id, answer=answer, alert=bool(run.payload.get("alert"))
        )
    if queued:
        context.on_queued()


async def _alert_without_lookup(context: JobContext, video_id: int) -> None:
    async with context.sessions.begin() as session:
        await _queue_delivery_notices_of(session, video_id=video_id)
    context.on_queued()


async def _queue_delivery_notices_of(session: AsyncSession, *, video_id: int) -> None:
    found = await video_and_project(session, video_id=video_id)
    if found is not None:
        await queue_delivery_notices(session, project=found[1], video=found[0])


async def _parked(session: AsyncSession, job: Job, context: JobContext) -> None:
    """TikTok never answered: the alert still goes out (once), without what TikTok would have said."""
    video_id = job.payload.get("video_id")
    if not job.payload.get("alert") or not isinstance(video_id, int):
        return
    await _queue_delivery_notices_of(session, video_id=video_id)
    context.on_queued()


def _owner_of(answer: OEmbedAnswer) -> str | None:
    handle = (answer.author_unique_id or "").strip().lower()
    return handle if HANDLE.match(handle) and not handle.endswith(".") else None


async def record_answer(session: AsyncSession, *, video_id: int, answer: OEmbedAnswer, alert: bool) -> bool:
    """Apply TikTok's answer to the video; True when notices were queued."""
    video = await session.get(
        Video, video_id, with_for_update=session.get_bind().dialect.name == "postgresql"
    )
    if video is None:
        return False
    project = await session.get(LiteProject, video.project_id)
    if project is None:
        return False
    now = utcnow()
    if not answer.available:
        return await _record_unavailable(session, project=project, video=video, alert=alert, now=now)
    try:
        tiktok_id = clean_video_id(str(answer.embed_product_id))
    except TikTokUrlError:
        raise GiveUp(f"TikTok answered an id that isn't one ({answer.embed_product_id!r})") from None
    await job_queries.store_oembed(
        session,
        video_id=tiktok_id,
        answer=answer.model_dump(exclude_none=True),
        now=now,
        expires_at=now + dt.timedelta(hours=CACHE_HOURS),
    )
    owner = _owner_of(answer)
    if video.needs_resolution:
        existing = await video_queries.get_video_by_key(
            session, project_id=video.project_id, video_key=tiktok_id
        )
        if existing is not None and existing.id != video.id:
            return await _merge(
                session, project=project, short=video, existing=existing, owner=owner, now=now
            )
        video.video_key = tiktok_id
        video.tiktok_video_id = tiktok_id
        video.needs_resolution = False
        _audit(session, video, "video.resolved", {"video_id": tiktok_id})
    video.title = (answer.title or "").strip()[:500] or None
    video.checked_at = now
    if video.unavailable_since is not None:
        video.unavailable_since = None
        _audit(session, video, "video.available_again", {})
    flagged = _apply_owner(session, video, owner)
    fresh_alert = alert and await queue_delivery_notices(session, project=project, video=video)
    if flagged and not fresh_alert:
        # the alert went out before TikTok answered (or there was none): the thread hears it now
        await _notice(
            session, project, video, NoticeKind.VIDEO_NOT_THE_OWNERS, f"video-owner:{video.id}:{owner}"
        )
    return alert or flagged


def _apply_owner(session: AsyncSession, video: Video, owner: str | None) -> bool:
    """Record whose account TikTok says the video is on; True when it newly isn't the creator's."""
    assert video.tiktok_video_id is not None
    if owner is None:
        return False
    check = OwnerCheck.CONFIRMED if owner == video.creator_handle else OwnerCheck.OTHER_ACCOUNT
    video.url = canonical_url(owner, video.tiktok_video_id)
    if (video.owner_check, video.owner_handle) == (check, owner):
        return False
    video.owner_check, video.owner_handle = check, owner
    _audit(session, video, "video.owner_checked", {"owner": owner, "check": check.value})
    return check == OwnerCheck.OTHER_ACCOUNT


async def _merge(
    session: AsyncSession,
    *,
    project: LiteProject,
    short: Video,
    existing: Video,
    owner: str | None,
    now: dt.datetime,
) -> bool:
    """A short link turned out to be a video the project already has: one record stays.

    The same creator: the record they already had stays (gaining a spark code it lacked), no new
    alert. Another creator: the video's owner keeps or takes the record; a non-owner's copy goes.
    """
    assert short.id is not None and existing.id is not None
    queued = False
    if short.creator_handle == existing.creator_handle:
        if short.spark_code and not existing.spark_code:
            existing.spark_code = short.spark_code
        _audit(session, existing, "video.merged", {"short_link": short.url})
    elif owner is not None and owner == short.creator_handle:
        _hand_over(session, existing, short.creator_handle, short.creator_email, short.spark_code, short.url)
        queued = True
    else:
        _audit(
            session,
            existing,
            "video.duplicate_dropped",
            {"short_link": short.url, "by": short.creator_handle},
        )
    existing.checked_at = now
    _apply_owner(session, existing, owner)
    assert short.id is not None
    await video_queries.delete_video(session, video_id=short.id)
    if queued:
        await _alert(
            session, project, existing, f"video-delivered:{existing.id}:owner:{existing.creator_handle}"
        )
    await queue_card_refresh(session, project=project, reason=f"video-{existing.id}-merged")
    return True


def _hand_over(
    session: AsyncSession, video: Video, handle: str, email: str | None, spark_code: str | None, via: str
) -> None:
    """The video's owner delivered it: the record becomes theirs, with their code, to review anew."""
    before = {"creator_handle": video.creator_handle}
    video.creator_handle = handle
    video.creator_email = email
    video.spark_code = spark_code
    video.owner_check = OwnerCheck.CONFIRMED
    video.owner_handle = handle
    video.delivered_at = utcnow()
    # a new creator's delivery: the team reviews it afresh, and the old code was not theirs to give
    video.review_state = ReviewState.UNREVIEWED
    video.status = VideoStatus.DELIVERED
    video.authorized_at = None
    video.ending_reminded_at = video.ended_reminded_at = None
    _audit(session, video, "video.claimed_by_owner", {"creator_handle": handle, "via": via}, before=before)


async def _record_unavailable(
    session: AsyncSession, *, project: LiteProject, video: Video, alert: bool, now: dt.datetime
) -> bool:
    seen_before = video.checked_at is not None
    queued = False
    if video.unavailable_since is None:
        video.unavailable_since = now
        _audit(session, video, "video.unavailable", {})
        if seen_before:
            key = f"video-unavailable:{video.id}:{now.date().isoformat()}"
            queued = await _notice(session, project, video, NoticeKind.VIDEO_UNAVAILABLE, key)
    if alert:
        await queue_delivery_notices(session, project=project, video=video)
        queued = True
    return queued


def _audit(
    session: AsyncSession,
    video: Video,
    action: str,
    after: dict[str, Any],
    *,
    before: dict[str, Any] | None = None,
) -> None:
    record_event(session, video, actor="tiktok", action=action, before=before, after=after)


# --- the owner's own delivery wins ------------------------------------------------------------------


def owner_may_take_over(video: Video, handle: str) -> bool:
    """TikTok said the video is on `handle`'s account, and it was delivered by someone else."""
    return video.owner_check == OwnerCheck.OTHER_ACCOUNT and video.owner_handle == handle


def take_over(
    session: AsyncSession, video: Video, *, handle: str, email: str, spark_code: str | None
) -> None:
    _hand_over(session, video, handle, email, spark_code, "invite_link")


# --- the daily re-check -------------------------------------------------------------------------


@periodic("video_recheck")
async def queue_rechecks(session: AsyncSession, now: dt.datetime, settings: Settings) -> int:
    """Look up afresh, once a day, every video whose authorization is running (removed? private?)."""
    if not settings.tiktok_oembed_url:
        return 0
    queued = 0
    for video in await video_queries.authorized_on_tiktok(session):
        queued += await queue_lookup(
            session,
            video=video,
            alert=False,
            fresh=True,
            key=f"oembed-recheck:{video.id}:{now.date().isoformat()}",
        )
    return queued
