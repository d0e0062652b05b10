"""The videos tab: a project's videos page by page, filtered by status; authorization end dates;
and the CSV export.

The end of an authorization is authorized-at plus the project's ad authorization period (TikTok's
code expires then). Every lookup is scoped by the workspace of the verified Slack request.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import InvalidInput
from bot.services.performance import sources as perf
from bot.services.performance.report import VideoFigures, project_performance
from bot.services.permissions import require_manager
from bot.services.projects import get_project
from bot.services.spark_checks import spark_check_word
from bot.services.workspaces import Actor
from storage import videos as video_queries
from storage.models import LiteProject, OwnerCheck, ReviewState, Video, VideoSource, VideoStatus

VIDEO_PAGE_SIZE = 95  # a modal holds 100 blocks: the videos, plus the lines around them
REJECTED = video_queries.REJECTED
APPROVED = video_queries.APPROVED
TO_REVIEW = video_queries.TO_REVIEW
CODE_PROBLEMS = video_queries.CODE_PROBLEMS
# what the list can be filtered by: what needs review, each VideoStatus, and review decisions
STATUS_FILTERS = (
    TO_REVIEW,
    APPROVED,
    VideoStatus.DELIVERED.value,
    VideoStatus.PENDING_AUTHORIZATION.value,
    VideoStatus.AUTHORIZED.value,
    VideoStatus.DECLINED.value,
    REJECTED,
    VideoStatus.EXPIRED.value,
    CODE_PROBLEMS,
)
EXPORT_COLUMNS = (
    "Creator",
    "Video URL",
    "Status",
    "Review",
    "Delivered",
    "Authorized",
    "Authorization ends",
    "Spark code",
    "Source",
    "TikTok account",
    "On TikTok",
    "Code check",
    "End date from",
)
# the latest figures TikTok gave for each video (totals of the days stored), and their date
PERFORMANCE_COLUMNS = (
    "Views",
    "Organic views",
    "Paid views",
    "Likes",
    "Comments",
    "Shares",
    "Ad spend",
    "Results",
    "Figures as of",
    "Figures final",
)


def performance_cells(video: VideoFigures | None) -> list[str]:
    if video is None or not video.has_figures or video.as_of is None:
        return [""] * len(PERFORMANCE_COLUMNS)

    def number(value: float) -> str:
        return f"{value:.2f}" if value != int(value) else str(int(value))

    return [
        number(video.views),
        number(video.get(perf.VIEWS_ORGANIC)),
        number(video.get(perf.VIEWS_PAID)),
        number(video.get(perf.LIKES)),
        number(video.get(perf.COMMENTS)),
        number(video.get(perf.SHARES)),
        f"{video.get(perf.SPEND):.2f}",
        number(video.get(perf.CONVERSIONS)),
        video.as_of.date().isoformat(),
        "yes" if video.final else "no",
    ]


# a cell starting with one of these is read as a formula by spreadsheet apps
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# one vocabulary for a video's state, the same words in alerts, lists, details, CSV and help:
# where it is in its life, and what the team decided about it
STATUS_WORDS = {
    VideoStatus.DELIVERED: "delivered",
    VideoStatus.PENDING_AUTHORIZATION: "requested",
    VideoStatus.AUTHORIZED: "authorized",
    VideoStatus.DECLINED: "declined",
    VideoStatus.EXPIRED: "expired",
}
REVIEW_WORDS = {
    ReviewState.UNREVIEWED: "to review",
    ReviewState.APPROVED: "approved",
    ReviewState.REJECTED: "rejected",
}
EXPORT_STATUS = STATUS_WORDS
EXPORT_OWNER_CHECK = {
    OwnerCheck.UNVERIFIED: "not checked",
    OwnerCheck.CONFIRMED: "creator's own",
    OwnerCheck.OTHER_ACCOUNT: "not from this creator's account",
}
EXPORT_SOURCE = {VideoSource.INVITE_LINK: "invite link", VideoSource.LINKING_REQUEST: "linking request"}


def authorization_ends_at(video: Video, project: LiteProject) -> dt.datetime | None:
    """When the video's ad authorization runs out: TikTok's own end date once the code is checked
    (TikTok API for Business), else the project's period from the authorization; None before."""
    if video.spark_code and video.spark_ends_at is not None:
        return video.spark_ends_at
    if video.authorized_at is None:
        return None
    return video.authorized_at + dt.timedelta(days=project.authorization_days)


def authorization_is_estimated(video: Video) -> bool:
    """The end is the project's period from the authorization: TikTok hasn't said it (the code
    isn't checked, e.g. the workspace isn't connected to TikTok for Business)."""
    return video.spark_ends_at is None


def status_of(video: Video) -> str:
    """What the list shows: the video's status, or "rejected" when the team rejected it."""
    if video.review_state == ReviewState.REJECTED:
        return REJECTED
    return VideoStatus(video.status).value


@dataclass(frozen=True)
class VideoPage:
    project: LiteProject
    videos: Sequence[Video]
    total: int
    offset: int
    limit: int
    status: str | None

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.videos) < self.total


def clean_status_filter(status: str | None) -> str | None:
    """A status to filter by, or None for all; InvalidInput for anything else."""
    if status in (None, "", "all"):
        return None
    if status not in STATUS_FILTERS:
        raise InvalidInput({"status": "Filter by one of the statuses in the list."})
    return status


async def list_videos(
    session: AsyncSession,
    *,
    actor: Actor,
    project_id: int,
    status: str | None = None,
    offset: int = 0,
    limit: int = VIDEO_PAGE_SIZE,
) -> VideoPage:
    """One page of the project's videos, newest first, optionally of one status."""
    status = clean_status_filter(status)
    project = await get_project(session, actor=actor, project_id=project_id)
    assert project.id is not None

    async def page(offset: int) -> tuple[Sequence[Video], int]:
        assert project.id is not None
        return await video_queries.page_project_videos(
            session,
            workspace_id=project.workspace_id,
            project_id=project.id,
            status=status,
            offset=offset,
            limit=limit,
        )

    offset = max(0, offset)
    videos, total = await page(offset)
    if not videos and offset and total:
        # the page emptied meanwhile (fewer videos now): show the last one there is
        offset = max(0, (total - 1) // limit * limit)
        videos, total = await page(offset)
    return VideoPage(project, videos, total, offset, limit, status)


# --- export -------------------------------------------------------------------------------------


def spreadsheet_safe(value: str) -> str:
    """A cell spreadsheet apps show as text: one that starts like a formula gets a leading '."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _day(moment: dt.datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


EXPORT_REVIEW = REVIEW_WORDS
# what a CSV posted where anyone in the channel can download it says instead of a code
CODE_WITHHELD = "(sent privately)"


def export_row(video: Video, project: LiteProject, *, with_spark_codes: bool = True) -> list[str]:
    withheld = CODE_WITHHELD if video.spark_code else ""
    code = (video.spark_code or "") if with_spark_codes else withheld
    return [
        video.creator_handle,  # without the @, which spreadsheets would take for a formula
        video.url,
        EXPORT_STATUS[VideoStatus(video.status)],
        EXPORT_REVIEW[ReviewState(video.review_state)],
        _day(video.delivered_at),
        _day(video.authorized_at),
        _day(authorization_ends_at(video, project)),
        code,
        EXPORT_SOURCE[VideoSource(video.source)],
        EXPORT_OWNER_CHECK[OwnerCheck(video.owner_check)],
        "unavailable" if video.unavailable_since is not None else "",
        spark_check_word(video, project) if video.spark_code else "",
        ("estimated" if authorization_is_estimated(video) else "TikTok")
        if video.authorized_at or video.spark_ends_at
        else "",
    ]


@dataclass(frozen=True)
class Export:
    project: LiteProject
    filename: str
    content: str
    count: int
    with_spark_codes: bool


async def export_videos(
    session: AsyncSession,
    *,
    actor: Actor,
    project_id: int | None = None,
    name: str | None = None,
    with_spark_codes: bool = True,
    today: dt.date | None = None,
) -> Export:
    """Every video of the project (by id, or by the name typed) as CSV (RFC 4180 quoting,
    formula-safe cells).

    `with_spark_codes=False` is for a file everyone in a channel can download: each code is
    replaced by a note that it was withheld. Creators' emails are never in the file.
    """
    project = await get_project(session, actor=actor, project_id=project_id, name=name)
    assert project.id is not None
    await require_manager(session, actor=actor, project=project, action="export")
    videos = await video_queries.all_project_videos(
        session, workspace_id=project.workspace_id, project_id=project.id
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    performance = await project_performance(session, project=project)
    figures = {video.video_id: video for video in performance.videos}
    writer.writerow((*EXPORT_COLUMNS, *PERFORMANCE_COLUMNS))
    for video in videos:
        row = export_row(video, project, with_spark_codes=with_spark_codes)
        row = [*row, *performance_cells(figures.get(video.id) if video.id is not None else None)]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    today = today or dt.datetime.now(dt.UTC).date()
    slug = "".join(ch if ch.isalnum() else "-" for ch in project.link_name.lower()).strip("-")[:40]
    filename = f"{slug or 'project'}-videos-{today.isoformat()}.csv"
    return Export(
        project=project,
        filename=filename,
        content=buffer.getvalue(),
        count=len(videos),
        with_spark_codes=with_spark_codes,
    )
