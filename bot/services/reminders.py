"""The daily job: authorizations ending soon or ended, project deadlines, overdue requests.

`run_daily` is idempotent and takes the time from its caller (a clock the scheduler injects),
so it may run as often as wanted: each video is announced once as ending within a week and once
as ended (marked on the video in the same transaction as its notice), and each deadline reminder
has its own dedup key. Everything here runs across workspaces, project by project.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import record_event
from bot.services.notices import NoticeKind, queue_action_dm, queue_card_refresh, queue_notice
from bot.services.videos import authorization_ends_at
from storage import linking as linking_queries
from storage import videos as video_queries
from storage.models import LinkingRequest, LinkingRequestStatus, LiteProject, Video, VideoStatus

ENDING_WITHIN = dt.timedelta(days=7)
LAST_DAY = dt.timedelta(days=1)
DEADLINE_REMINDERS = (3, 1)  # days before a project's deadline
SYSTEM_ACTOR = "system"


@dataclass
class ReminderRun:
    ending: dict[int, list[int]] = field(default_factory=dict)  # project id → video ids
    ended: dict[int, list[int]] = field(default_factory=dict)
    last_day: dict[int, list[int]] = field(default_factory=dict)
    deadlines: list[tuple[int, int]] = field(default_factory=list)  # (project id, days left)
    expired_requests: list[int] = field(default_factory=list)

    @property
    def queued(self) -> bool:
        return bool(self.ending or self.last_day or self.ended or self.deadlines or self.expired_requests)


async def run_daily(session: AsyncSession, *, now: dt.datetime) -> ReminderRun:
    run = ReminderRun()
    await _expire_requests(session, now, run)
    for project_id in await video_queries.projects_with_authorizations(session):
        project = await session.get(LiteProject, project_id)
        if project is not None:
            await _authorizations(session, project, now, run)
    await _deadlines(session, now, run)
    await session.flush()
    return run


async def _expire_requests(session: AsyncSession, now: dt.datetime, run: ReminderRun) -> None:
    """Requests nobody answered in time: the request and its waiting videos are expired."""
    for request in await linking_queries.overdue_requests(session, now=now):
        assert request.id is not None
        request.status = LinkingRequestStatus.EXPIRED
        count = await linking_queries.expire_request_videos(session, linking_request_id=request.id)
        _record_expiry(
            session, request, "linking_request.expired", LinkingRequestStatus.PENDING, videos=count
        )
        run.expired_requests.append(request.id)


def _record_expiry(
    session: AsyncSession,
    row: LinkingRequest | Video,
    action: str,
    was: enum.StrEnum,
    **details: Any,
) -> None:
    """The audit event of the system ending a row (its status already set): the status it had, the
    one it has now, and what else it says."""
    record_event(
        session,
        row,
        actor=SYSTEM_ACTOR,
        action=action,
        before={"status": was.value},
        after={"status": row.status.value, **details},
    )


async def _authorizations(
    session: AsyncSession, project: LiteProject, now: dt.datetime, run: ReminderRun
) -> None:
    """Each authorization is announced a week before it ends, on its last day, and when it ended.

    The end is TikTok's own once the code is checked, else estimated from the project's period.
    """
    assert project.id is not None
    videos = await video_queries.authorized_videos(session, project_id=project.id)
    ending, last_day, ended = [], [], []
    for video in videos:
        assert video.id is not None
        ends_at = authorization_ends_at(video, project)
        if ends_at is None or ends_at > now + ENDING_WITHIN:
            continue
        if ends_at <= now:
            video.status = VideoStatus.EXPIRED
            _record_expiry(
                session,
                video,
                "video.authorization_expired",
                VideoStatus.AUTHORIZED,
                ended_at=ends_at.isoformat(),
            )
            if video.ended_reminded_at is None:
                video.ended_reminded_at = now
                ended.append(video.id)
        elif ends_at <= now + LAST_DAY:
            if video.last_day_reminded_at is None:
                video.last_day_reminded_at = now
                video.ending_reminded_at = video.ending_reminded_at or now  # the week's notice is moot now
                last_day.append(video.id)
        elif video.ending_reminded_at is None:
            video.ending_reminded_at = now
            ending.append(video.id)
    day = now.date().isoformat()
    if ending:
        run.ending[project.id] = ending
        await _remind(
            session, project, f"reminder:ending:{project.id}:{day}", kind="ending", video_ids=ending
        )
    if last_day:
        run.last_day[project.id] = last_day
        await _remind(
            session, project, f"reminder:last_day:{project.id}:{day}", kind="last_day", video_ids=last_day
        )
    if ended:
        run.ended[project.id] = ended
        await _remind(session, project, f"reminder:ended:{project.id}:{day}", kind="ended", video_ids=ended)
    if any(video.status == VideoStatus.EXPIRED for video in videos):
        await queue_card_refresh(session, project=project, reason=f"expired-{day}")


async def _deadlines(session: AsyncSession, now: dt.datetime, run: ReminderRun) -> None:
    today = now.date()
    projects = await linking_queries.projects_with_deadline_between(
        session, first=today + dt.timedelta(days=1), last=today + dt.timedelta(days=max(DEADLINE_REMINDERS))
    )
    for project in projects:
        assert project.id is not None and project.deadline is not None
        days_left = (project.deadline - today).days
        # the nearest reminder not yet due: a job that missed a day still sends it, once
        mark = min(days for days in DEADLINE_REMINDERS if days >= days_left)
        queued = await _remind(
            session,
            project,
            f"reminder:deadline:{project.id}:{project.deadline.isoformat()}:{mark}",
            kind="deadline",
            days_left=days_left,
            deadline=project.deadline.isoformat(),
        )
        if queued:
            run.deadlines.append((project.id, days_left))


async def _remind(
    session: AsyncSession, project: LiteProject, dedup_key: str, *, kind: str, **data: Any
) -> bool:
    """The reminder for the project's channel and subscribers, and its owner's DM if they want it."""
    queued = await queue_notice(
        session, project=project, kind=NoticeKind.REMINDER, dedup_key=dedup_key, reminder=kind, **data
    )
    await queue_action_dm(
        session,
        project=project,
        user_id=project.created_by,
        kind=NoticeKind.REMINDER,
        dedup_key=dedup_key,
        reminder=kind,
        **data,
    )
    return queued
