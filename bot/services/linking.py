"""Linking requests: the team adds creators' existing videos by URL, each creator authorizes them.

1. `parse_pasted` reads the pasted lines: valid videos, invalid lines (with the reason) and
   duplicates (already in the project, or pasted twice).
2. `confirm_videos` takes the videos the person selected and creates one request per creator,
   each with an unguessable token for the creator's page `/a/<token>`, expiring after a set time.
3. The creator accepts (a spark code per video: the videos become authorized) or declines, once.

A linking request is a workspace entitlement (`LINKING_REQUESTS_ENABLED`, passed as `entitled`):
each step refuses with NotEntitled without it, here and nowhere else. Every change writes its audit
event and its notices in the caller's one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import spark_checks, tiktok_one_sync, video_lookups
from bot.services.deliveries import SPARK_CODE_TAKEN, is_plausible_token, spark_code_taken
from bot.services.errors import Conflict, DomainError, InvalidInput, NotFound
from bot.services.notices import NoticeKind, queue_action_dm, queue_card_refresh, queue_notice
from bot.services.permissions import require_manager
from bot.services.projects import TOKEN_BYTES, get_project
from bot.services.workspaces import Actor
from bot.tiktok.spark_codes import SparkCodeError, clean_spark_code
from bot.tiktok.urls import TikTokUrlError, VideoUrl, canonical_url, clean_handle, parse_video_url
from storage import assets as asset_queries
from storage import audit as audit_queries
from storage import linking as linking_queries
from storage import projects as project_queries
from storage import videos as video_queries
from storage.models import (
    BrandProfile,
    LinkingRequest,
    LinkingRequestStatus,
    LiteProject,
    Video,
    VideoSource,
    VideoStatus,
    utcnow,
)

MAX_LINKS = 40  # per paste: what a modal's checkboxes and private_metadata hold comfortably
MAX_PASTE_CHARS = 3000
MAX_CARRIED_CHARS = 2900  # the selection step carries the videos in private_metadata (3000 max)
NOT_ENTITLED = (
    "Linking requests — adding creators' existing videos by URL — are available to select customers. "
    "Creators can still deliver any video through {invite_link}."
)
NOT_FOUND_MESSAGE = "This authorization link isn't valid."


class NotEntitled(DomainError):
    """Linking requests are off for this workspace."""


class RequestAnswered(Conflict):
    """The creator already accepted or declined this request."""


class RequestPaused(Conflict):
    """The project is paused: like its invite link, its linking requests take no answers."""


class RequestExpired(Conflict):
    """The request's time ran out before it was answered."""


def require_enabled(enabled: bool, *, project: LiteProject | None = None) -> None:
    """NotEntitled when the workspace doesn't have linking requests; it names the project if known."""
    if not enabled:
        link = f"the invite link of “{project.link_name}”" if project else "the project's invite link"
        raise NotEntitled(NOT_ENTITLED.format(invite_link=link))


async def start_request(
    session: AsyncSession, *, actor: Actor, project_id: int, entitled: bool
) -> LiteProject:
    """The project whose videos are about to be pasted (the first modal), if the workspace may."""
    project = await get_project(session, actor=actor, project_id=project_id)
    require_enabled(entitled, project=project)
    return project


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def request_url(public_base_url: str, request: LinkingRequest) -> str:
    return f"{public_base_url}/a/{request.token}"


# --- 1. paste -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A video that can be added: its identity in the project (`key`), link and creator."""

    key: str
    url: str
    handle: str
    video_id: str | None
    needs_resolution: bool
    line: int = field(default=0, compare=False)  # where it was pasted (1-based), when known

    @property
    def compact(self) -> list[str]:
        """[handle, key]: what the selection step carries in the modal's private_metadata."""
        return [self.handle, self.key]


@dataclass(frozen=True)
class RefusedLine:
    line: int  # 1-based, among the lines pasted
    text: str
    reason: str


@dataclass(frozen=True)
class Pasted:
    project: LiteProject
    candidates: list[Candidate] = field(default_factory=list)
    invalid: list[RefusedLine] = field(default_factory=list)
    duplicates: list[RefusedLine] = field(default_factory=list)


def _candidate(link: VideoUrl, handle: str) -> Candidate:
    link = link.with_handle(handle)
    return Candidate(link.key, link.url, handle, link.video_id, link.needs_resolution)


def parse_line(text: str) -> Candidate:
    """One pasted line: a TikTok video link, optionally followed by the creator's @handle.

    Links that don't name the account (embed, mobile and short links) need the handle, since each
    creator gets their own request. TikTokUrlError says what's wrong otherwise.
    """
    parts = text.split()
    if len(parts) > 2:
        raise TikTokUrlError("Put one video link per line (optionally followed by the creator's @handle).")
    link = parse_video_url(parts[0])
    handle = clean_handle(parts[1]) if len(parts) == 2 else None
    if handle is None:
        if link.handle is None:
            raise TikTokUrlError(
                "This link doesn't say whose video it is: add the creator's handle after it, "
                "e.g. `https://vm.tiktok.com/ZMabc123/ @handle`."
            )
        handle = link.handle
    elif link.handle is not None and link.handle != handle:
        raise TikTokUrlError(f"This video is on @{link.handle}'s account, not @{handle}'s.")
    return _candidate(link, handle)


def parse_lines(text: str | None) -> tuple[list[Candidate], list[RefusedLine], list[RefusedLine]]:
    """Valid videos, invalid lines and lines repeating an earlier one, in the order pasted."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise InvalidInput({"urls": "Paste at least one TikTok video link, one per line."})
    if len(lines) > MAX_LINKS:
        raise InvalidInput({"urls": f"That's {len(lines)} lines; paste at most {MAX_LINKS} links at a time."})
    candidates: list[Candidate] = []
    invalid: list[RefusedLine] = []
    duplicates: list[RefusedLine] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        try:
            candidate = parse_line(line)
        except TikTokUrlError as exc:
            invalid.append(RefusedLine(number, line, str(exc)))
            continue
        candidate = replace(candidate, line=number)
        if candidate.key in seen:
            duplicates.append(RefusedLine(number, line, "Pasted twice; added once."))
            continue
        seen.add(candidate.key)
        candidates.append(candidate)
    return candidates, invalid, duplicates


async def parse_pasted(
    session: AsyncSession, *, actor: Actor, project_id: int, text: str | None, entitled: bool
) -> Pasted:
    """The pasted links checked against the project: videos it has already are duplicates.

    InvalidInput (keyed "urls") when nothing pasted can be added.
    """
    require_enabled(entitled)
    if text is not None and len(text) > MAX_PASTE_CHARS:
        raise InvalidInput({"urls": f"That's more than {MAX_PASTE_CHARS} characters; paste fewer links."})
    project = await get_project(session, actor=actor, project_id=project_id)
    assert project.id is not None
    await require_manager(session, actor=actor, project=project, action="add_videos")
    candidates, invalid, duplicates = parse_lines(text)
    existing = await video_queries.existing_keys(
        session, project_id=project.id, keys=[candidate.key for candidate in candidates]
    )
    kept = []
    for candidate in candidates:
        if candidate.key in existing:
            duplicates.append(RefusedLine(candidate.line, candidate.url, "Already in this project; skipped."))
        else:
            kept.append(candidate)
    if len(json.dumps([c.compact for c in kept], separators=(",", ":"))) > MAX_CARRIED_CHARS:
        raise InvalidInput(
            {"urls": "That's too many links to review at once; paste fewer and add the rest after."}
        )
    if not kept:
        reasons = [f"Line {item.line}: {item.reason}" for item in sorted(invalid + duplicates, key=_line)]
        raise InvalidInput({"urls": "Nothing here can be added. " + " ".join(reasons)[:1500]})
    return Pasted(project=project, candidates=kept, invalid=invalid, duplicates=sorted(duplicates, key=_line))


def _line(item: RefusedLine) -> int:
    return item.line


def candidates_from_compact(items: object) -> list[Candidate]:
    """The [handle, key] pairs carried by the selection step, checked again (never trusted)."""
    candidates = []
    for item in items if isinstance(items, list) else []:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item)):
            continue
        handle, key = item
        url = canonical_url(handle, key) if key.isdigit() else key
        try:
            candidates.append(parse_line(f"{url} @{handle}"))
        except TikTokUrlError:
            continue
    return candidates


# --- 2. confirm ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedRequest:
    request: LinkingRequest
    videos: list[Video]


@dataclass(frozen=True)
class Confirmation:
    project: LiteProject
    requests: list[CreatedRequest]
    skipped: list[Candidate]  # added to the project by someone else meanwhile


async def confirm_videos(
    session: AsyncSession,
    *,
    actor: Actor,
    project_id: int,
    candidates: Sequence[Candidate],
    selected: Sequence[str],
    expires_after_days: int,
    entitled: bool,
    now: dt.datetime | None = None,
    lookups: bool = False,
) -> Confirmation:
    """Create one linking request per creator for the selected videos (keys in `selected`).

    With `lookups`, each video whose id is known is looked up with TikTok (whose account it is
    on, its caption); short links stay as pasted until the creator's answer.
    """
    require_enabled(entitled)
    chosen_keys = set(selected)
    chosen = [candidate for candidate in candidates if candidate.key in chosen_keys]
    if not chosen:
        raise InvalidInput({"videos": "Select at least one video to add."})
    project = await get_project(session, actor=actor, project_id=project_id)
    assert project.id is not None
    await require_manager(session, actor=actor, project=project, action="add_videos")
    now = now or utcnow()
    existing = await video_queries.existing_keys(
        session, project_id=project.id, keys=[candidate.key for candidate in chosen]
    )
    skipped = [candidate for candidate in chosen if candidate.key in existing]
    by_creator: dict[str, list[Candidate]] = {}
    for candidate in chosen:
        if candidate.key not in existing:
            by_creator.setdefault(candidate.handle, []).append(candidate)
    if not by_creator:
        raise Conflict("Those videos were added to the project meanwhile; nothing new to ask for.")

    created = []
    for handle, items in by_creator.items():
        request = LinkingRequest(
            workspace_id=project.workspace_id,
            project_id=project.id,
            token=new_token(),
            creator_handle=handle,
            status=LinkingRequestStatus.PENDING,
            created_by=actor.user_id,
            created_at=now,
            expires_at=now + dt.timedelta(days=expires_after_days),
        )
        session.add(request)
        await session.flush()
        assert request.id is not None
        videos = [
            Video(
                workspace_id=project.workspace_id,
                project_id=project.id,
                video_key=item.key,
                tiktok_video_id=item.video_id,
                url=item.url,
                needs_resolution=item.needs_resolution,
                creator_handle=handle,
                source=VideoSource.LINKING_REQUEST,
                status=VideoStatus.PENDING_AUTHORIZATION,
                linking_request_id=request.id,
                delivered_at=now,
            )
            for item in items
        ]
        session.add_all(videos)
        await session.flush()
        for video in videos:
            if lookups and video.tiktok_video_id is not None:
                await video_lookups.queue_lookup(session, video=video, alert=False)
        audit_queries.add_audit_event(
            session,
            workspace_id=project.workspace_id,
            actor=actor.user_id,
            action="linking_request.created",
            target_type="linking_request",
            target_id=request.id,
            after={
                "project_id": project.id,
                "creator_handle": handle,
                "video_ids": [video.id for video in videos],
                "expires_at": request.expires_at.isoformat(),
            },
        )
        created.append(CreatedRequest(request=request, videos=videos))
        await tiktok_one_sync.on_videos_added(session, project=project, videos=videos)
    await queue_card_refresh(session, project=project, reason=f"linking-{created[0].request.id}")
    await session.flush()
    return Confirmation(project=project, requests=created, skipped=skipped)


# --- 3. the creator's answer --------------------------------------------------------------------


@dataclass(frozen=True)
class RequestView:
    """What the creator's page shows."""

    request: LinkingRequest
    project: LiteProject
    brand: BrandProfile
    videos: Sequence[Video]
    state: str  # "pending", "accepted", "declined" or "expired"


def state_of(request: LinkingRequest, now: dt.datetime) -> str:
    status = LinkingRequestStatus(request.status)
    if status is LinkingRequestStatus.PENDING and request.expires_at <= now:
        return LinkingRequestStatus.EXPIRED.value
    return status.value


async def get_request(session: AsyncSession, *, token: str, now: dt.datetime | None = None) -> RequestView:
    if not is_plausible_token(token):
        raise NotFound(NOT_FOUND_MESSAGE)
    request = await linking_queries.get_request_by_token(session, token=token)
    if request is None or request.id is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    project = await project_queries.get_project(
        session, workspace_id=request.workspace_id, project_id=request.project_id
    )
    brand = (
        await asset_queries.get_brand(session, workspace_id=project.workspace_id, brand_id=project.brand_id)
        if project is not None
        else None
    )
    if project is None or brand is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    videos = await linking_queries.request_videos(session, linking_request_id=request.id)
    return RequestView(request, project, brand, videos, state_of(request, now or utcnow()))


def is_paused(view: RequestView) -> bool:
    """A pending request of a paused project waits: creators answer once the brand resumes it."""
    return view.state == LinkingRequestStatus.PENDING.value and not view.project.active


def paused_message(view: RequestView) -> str:
    return (
        f"“{view.project.link_name}” is paused, so this request can't be answered right now and nothing "
        f"was sent. Open this link again when {view.brand.name} resumes it "
        f"(it can be answered until {view.request.expires_at.strftime('%B %-d, %Y')})."
    )


def refuse_answered(view: RequestView) -> None:
    if is_paused(view):
        raise RequestPaused(paused_message(view))
    request = view.request
    if view.state == LinkingRequestStatus.EXPIRED.value:
        raise RequestExpired(
            f"This request expired on {request.expires_at.strftime('%B %-d, %Y')} and can't be answered any "
            "more. If you'd still like to take part, ask the brand to send a new one."
        )
    if view.state != LinkingRequestStatus.PENDING.value:
        answered = request.answered_at.strftime("%B %-d, %Y") if request.answered_at else "earlier"
        verb = "accepted" if view.state == LinkingRequestStatus.ACCEPTED.value else "declined"
        raise RequestAnswered(f"You already {verb} this request on {answered}; a request is answered once.")


@dataclass(frozen=True)
class Answer:
    view: RequestView
    accepted: bool


def spark_code_field(index: int) -> str:
    """The form field of the n-th video's spark code (by position, so no ids are exposed)."""
    return f"spark_code_{index}"


async def accept_request(
    session: AsyncSession,
    *,
    token: str,
    spark_codes: Sequence[str | None],
    now: dt.datetime | None = None,
    server_token: bool = False,
) -> Answer:
    """The creator authorizes every video of the request, a spark code for each (in order)."""
    now = now or utcnow()
    view = await get_request(session, token=token, now=now)
    refuse_answered(view)
    errors: dict[str, str] = {}
    codes: list[str] = []
    seen: dict[str, int] = {}
    for index, video_asked in enumerate(view.videos):
        name = spark_code_field(index)
        try:
            code = clean_spark_code(spark_codes[index] if index < len(spark_codes) else None)
        except SparkCodeError as exc:
            errors[name] = str(exc)
            continue
        if code is None:
            errors[name] = (
                "Enter this video's spark code: in TikTok, turn on ad authorization and copy the code."
            )
            continue
        if code in seen:
            errors[name] = f"This is the same code as video {seen[code] + 1}; each video has its own code."
            continue
        if await spark_code_taken(
            session, workspace_id=view.project.workspace_id, code=code, video_key=video_asked.video_key
        ):
            errors[name] = SPARK_CODE_TAKEN
            continue
        seen[code] = index
        codes.append(code)
    if errors:
        raise InvalidInput(errors)
    await _claim(session, view, LinkingRequestStatus.ACCEPTED, now)
    authorized = []
    for video, code in zip(view.videos, codes, strict=True):
        if video.status != VideoStatus.PENDING_AUTHORIZATION:
            continue
        video.spark_code = code
        video.status = VideoStatus.AUTHORIZED
        video.authorized_at = now
        video.ending_reminded_at = None
        video.ended_reminded_at = None
        authorized.append(video.id)
        await spark_checks.queue_check(session, video=video, server_token=server_token)
    await _record_answer(
        session,
        view,
        LinkingRequestStatus.ACCEPTED,
        NoticeKind.VIDEO_AUTHORIZED,
        authorized,
        spark_codes=True,
    )
    return Answer(view=view, accepted=True)


async def decline_request(session: AsyncSession, *, token: str, now: dt.datetime | None = None) -> Answer:
    now = now or utcnow()
    view = await get_request(session, token=token, now=now)
    refuse_answered(view)
    await _claim(session, view, LinkingRequestStatus.DECLINED, now)
    declined = []
    for video in view.videos:
        if video.status == VideoStatus.PENDING_AUTHORIZATION:
            video.status = VideoStatus.DECLINED
            declined.append(video.id)
    await _record_answer(session, view, LinkingRequestStatus.DECLINED, NoticeKind.VIDEO_DECLINED, declined)
    return Answer(view=view, accepted=False)


async def _claim(
    session: AsyncSession, view: RequestView, status: LinkingRequestStatus, now: dt.datetime
) -> None:
    """Take the one answer the request gets; a concurrent answer that won first is refused."""
    assert view.request.id is not None
    if not await linking_queries.claim_answer(
        session, linking_request_id=view.request.id, status=status, now=now
    ):
        await session.refresh(view.request)
        refuse_answered(
            RequestView(view.request, view.project, view.brand, view.videos, state_of(view.request, now))
        )
        raise RequestAnswered("This request was answered meanwhile; a request is answered once.")


async def _record_answer(
    session: AsyncSession,
    view: RequestView,
    status: LinkingRequestStatus,
    kind: NoticeKind,
    video_ids: list[int | None],
    **after: Any,
) -> None:
    """The answer's audit event, and the notices that tell the team, in the caller's transaction."""
    request, project = view.request, view.project
    assert request.id is not None
    audit_queries.add_audit_event(
        session,
        workspace_id=project.workspace_id,
        actor=f"creator:{request.creator_handle}",
        action=f"linking_request.{status.value}",
        target_type="linking_request",
        target_id=request.id,
        before={"status": LinkingRequestStatus.PENDING.value},
        after={"status": status.value, "video_ids": video_ids, **after},
    )
    prefix = f"linking-{status.value}"
    data: dict[str, Any] = {"linking_request_id": request.id, "video_ids": video_ids}
    await queue_notice(
        session,
        project=project,
        kind=kind,
        dedup_key=f"{prefix}:{request.id}",
        creator_handle=request.creator_handle,
        **data,
    )
    # whoever sent the request hears the answer directly, if they want such messages
    await queue_action_dm(
        session,
        project=project,
        user_id=request.created_by,
        kind=kind,
        dedup_key=f"{prefix}:{request.id}",
        **data,
    )
    await queue_card_refresh(session, project=project, reason=f"{prefix}-{request.id}")
    await session.flush()
    await session.refresh(request)
