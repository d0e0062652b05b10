"""Deliveries through the invite link: what a creator sees, and what happens when they submit.

The creator pages know nothing but the invite token, so every lookup here starts from it (and
says nothing about whether a project exists when it doesn't match). A delivery writes the video,
its audit event, the new-video alert and the card refresh in the caller's one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, NotRequired, TypedDict, TypeVar, Unpack

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import listing, spark_checks, video_lookups
from bot.services.errors import Conflict, InvalidInput, NotFound
from bot.services.notices import (
    NoticeKind,
    delivery_notices,
    queue_card_refresh,
    queue_delivery_notices_in_unit,
    queue_notice,
)
from bot.services.validation import FieldError, clean_email, invisible_characters, invisible_message
from bot.tiktok.spark_codes import SparkCodeError, clean_spark_code
from bot.tiktok.urls import TikTokUrlError, VideoUrl, clean_handle, parse_video_url
from storage import assets as asset_queries
from storage import audit as audit_queries
from storage import projects as project_queries
from storage import videos as video_queries
from storage.models import (
    Anchor,
    AuditEvent,
    BrandProfile,
    LiteProject,
    OwnerCheck,
    SparkCheck,
    Video,
    VideoSource,
    VideoStatus,
    unit_row,
    utcnow,
)
from storage.preferences import Recipients
from storage.writer import Writer

log = logging.getLogger(__name__)

# invite tokens are secrets.token_urlsafe(24): 32 URL-safe characters; allow some slack
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# the longest value each delivery field accepts (the form says the same with maxlength)
FIELD_LIMITS = {"url": 500, "creator_handle": 30, "creator_email": 254, "spark_code": 200}
NOT_FOUND_MESSAGE = "This invite link isn't valid."


class ProjectPaused(Conflict):
    """The project's Active invite link is off: creators can't deliver."""


class VideoOfAnotherCreator(Conflict):
    """Someone else already delivered this video to the project."""


OWNER_NOT_CONFIRMED = (
    "This video was already delivered to this project by another creator, and TikTok hasn't "
    "confirmed whose account it is on yet. If it's yours, send it again in a few minutes, or "
    "contact the brand using the details on this page."
)


@dataclass(frozen=True)
class Brief:
    """What the invite page shows a creator."""

    project: LiteProject
    brand: BrandProfile
    anchor: Anchor


@dataclass(frozen=True)
class Delivery:
    project: LiteProject
    video: Video
    created: bool  # False: the project already had this video from this creator
    spark_code_added: bool = False  # a repeat delivery brought the spark code the first lacked
    # what TikTok said about the code sent before, for the creator (e.g. it unlocks another video)
    code_problem: str | None = None
    # a job (a TikTok lookup or spark-code check) was queued with it: the job runner is woken for
    # it, and only then (an idle wake-up is a database round of its own)
    jobs_queued: bool = True


def is_plausible_token(invite_token: str) -> bool:
    return bool(TOKEN.match(invite_token))


async def _project_by_token(session: AsyncSession, invite_token: str) -> LiteProject:
    if not is_plausible_token(invite_token):
        raise NotFound(NOT_FOUND_MESSAGE)
    project = await project_queries.get_project_by_token(session, invite_token=invite_token)
    if project is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return project


async def get_brief(session: AsyncSession, *, invite_token: str) -> Brief:
    project = await _project_by_token(session, invite_token)
    brand = await asset_queries.get_brand(
        session, workspace_id=project.workspace_id, brand_id=project.brand_id
    )
    anchor = await asset_queries.get_anchor(
        session, workspace_id=project.workspace_id, anchor_id=project.anchor_id
    )
    if brand is None or anchor is None:  # can't happen with foreign keys on; never show half a brief
        raise NotFound(NOT_FOUND_MESSAGE)
    return Brief(project=project, brand=brand, anchor=anchor)


def require_accepting(project: LiteProject) -> None:
    if not project.active:
        raise ProjectPaused(
            f"“{project.link_name}” is paused and isn't accepting videos right now. "
            "Nothing was sent; try again when the brand resumes it."
        )


_T = TypeVar("_T")


@dataclass(frozen=True)
class _Fields:
    link: VideoUrl
    handle: str
    email: str
    spark_code: str | None


def _parsed(errors: dict[str, str], field: str, parse: Callable[[], _T]) -> _T | None:
    """The field's cleaned value, or None with the parser's words in `errors` (a field already
    refused for its length or characters is not parsed again)."""
    if field in errors:
        return None
    try:
        return parse()
    except (TikTokUrlError, FieldError, SparkCodeError) as exc:
        errors[field] = str(exc)
        return None


def _clean_fields(url: str | None, handle: str | None, email: str | None, spark_code: str | None) -> _Fields:
    errors: dict[str, str] = {}
    raw = {"url": url, "creator_handle": handle, "creator_email": email, "spark_code": spark_code}
    for name, value in raw.items():
        if value is not None and len(value) > FIELD_LIMITS[name]:
            errors[name] = f"This is {len(value)} characters; the limit is {FIELD_LIMITS[name]}."
        elif found := invisible_characters(value or ""):
            errors[name] = invisible_message(found)
    clean_handle_value = _parsed(errors, "creator_handle", lambda: clean_handle(handle))
    link = _parsed(errors, "url", lambda: parse_video_url(url))
    clean_email_value = _parsed(errors, "creator_email", lambda: clean_email(email, label="Email"))
    code = _parsed(errors, "spark_code", lambda: clean_spark_code(spark_code))
    if link is not None and clean_handle_value is not None:
        if link.handle is not None and link.handle != clean_handle_value:
            errors["url"] = (
                f"This video is on @{link.handle}'s account, not @{clean_handle_value}'s. "
                "Deliver your own videos, with the handle they're posted under."
            )
        link = link.with_handle(clean_handle_value)
    if errors:
        raise InvalidInput(errors)
    assert link is not None and clean_handle_value is not None and clean_email_value is not None
    return _Fields(link, clean_handle_value, clean_email_value, code)


SPARK_CODE_TAKEN = (
    "This spark code was already given with another video. Each video has its own code: "
    "in TikTok, open this video's ad authorization and copy its code."
)


async def spark_code_taken(
    session: AsyncSession, *, workspace_id: int, code: str | None, video_key: str
) -> bool:
    """A code names one video: the same code on another video of the workspace is refused."""
    if code is None:
        return False
    return await video_queries.spark_code_in_use(
        session, workspace_id=workspace_id, spark_code=code, video_key=video_key
    )


class Submitted(TypedDict):
    """What the invite page's form sent, and how this server handles a delivery."""

    invite_token: str
    url: str | None
    creator_handle: str | None
    creator_email: str | None
    spark_code: str | None
    lookups: NotRequired[bool]
    server_token: NotRequired[bool]


async def deliver(
    writer: Writer, sessions: async_sessionmaker[AsyncSession], **submitted: Unpack[Submitted]
) -> Delivery:
    """`deliver_video` for the invite page: a new video is one write unit of the writer (committed
    with other deliveries' on SQLite, statements that each commit alone on PostgreSQL when it has no
    spark code); the same video again takes a transaction of its own."""
    if writer.engine.dialect.name == "postgresql" and not (submitted["spark_code"] or "").strip():
        delivery = await writer.run_batched(store_new_videos, {**submitted, "now": utcnow()})
    else:
        delivery = await writer.run(partial(store_new_video, now=utcnow(), autocommit=True, **submitted))
    if delivery is not None:
        if delivery.created:
            listing.changed_now(writer.engine, workspace_id=delivery.project.workspace_id)
        return delivery
    async with sessions.begin() as session:
        return await deliver_video(session, **submitted)


async def deliver_video(
    session: AsyncSession, *, now: dt.datetime | None = None, **submitted: Unpack[Submitted]
) -> Delivery:
    """A creator delivers a video through the invite link.

    Unknown token: NotFound. Paused project: ProjectPaused, nothing stored. Bad fields:
    InvalidInput keyed by field. The same video again from the same creator: the stored one,
    `created=False` (a spark code it lacked is added). Someone else's video: VideoOfAnotherCreator,
    unless TikTok said the video is on this creator's account: then their delivery takes it over.
    With `lookups`, a lookup job is queued and it sends the alert once TikTok has answered.
    """
    now = now or utcnow()
    store = partial(store_new_video, now=now, **submitted)
    connection = await session.connection()
    for _attempt in range(2):  # the video stored before may be merged away between the two reads
        async with session.begin_nested():  # a refusal undoes what the unit wrote, as in the writer
            delivery = await connection.run_sync(store)
        if delivery is not None:
            if delivery.created:
                listing.changed(session, workspace_id=delivery.project.workspace_id)
            return delivery
        project = await _project_by_token(session, submitted["invite_token"])
        fields = _clean_fields(
            submitted["url"], submitted["creator_handle"], submitted["creator_email"], submitted["spark_code"]
        )
        assert project.id is not None
        existing = await video_queries.get_video_by_key(
            session, project_id=project.id, video_key=fields.link.key
        )
        if existing is not None:
            lookups, server_token = submitted.get("lookups", False), submitted.get("server_token", False)
            return await _repeat_delivery(
                session, project, existing, fields, now, lookups=lookups, server_token=server_token
            )
    raise Conflict("This video changed while it was being saved. Please send it again.")


def store_new_video(
    connection: Connection,
    *,
    invite_token: str,
    url: str | None,
    creator_handle: str | None,
    creator_email: str | None,
    spark_code: str | None,
    now: dt.datetime,
    lookups: bool = False,
    server_token: bool = False,
    autocommit: bool = False,
) -> Delivery | None:
    """The write unit of a delivery (see `storage.writer`): the checks of `deliver_video`, then a new
    video with its audit event, its spark-code check and either its lookup job or its alert, DMs and
    card refresh. A repeat writes nothing: the stored video (`created=False`) when it changes
    nothing, else None, for `deliver_video` to handle on a session. The caller marks the listings
    stale when a video was created. `autocommit`: the writer runs it, not a session (see
    `_store_at_once`).
    """
    if not is_plausible_token(invite_token):
        raise NotFound(NOT_FOUND_MESSAGE)
    if connection.dialect.name == "postgresql" and not (spark_code or "").strip():
        return _store_at_once(
            connection,
            invite_token=invite_token,
            url=url,
            creator_handle=creator_handle,
            creator_email=creator_email,
            now=now,
            lookups=lookups,
            autocommit=autocommit,
        )
    found = project_queries.project_and_recipients_by_token(connection, invite_token=invite_token)
    if found is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    project, recipients = found
    require_accepting(project)
    fields = _clean_fields(url, creator_handle, creator_email, spark_code)
    video, event = _new_video(project, fields, now)
    # stored first, with its event (a repeat stores neither), then checked: the unit's savepoint
    # undoes a refusal
    video.id = video_queries.insert_new_video_with_event(connection, video=video, event=event)
    if video.id is None:
        return _answer_repeat(connection, project, video.video_key, fields)
    if fields.spark_code is not None and video_queries.spark_code_used(
        connection, workspace_id=project.workspace_id, spark_code=fields.spark_code, video_key=video.video_key
    ):
        raise InvalidInput({"spark_code": SPARK_CODE_TAKEN})
    # checked with TikTok API for Business when the workspace is connected (a job, never here)
    jobs = spark_checks.queue_check_in_unit(connection, video=video, server_token=server_token)
    if lookups:
        # the alert waits for TikTok's answer (owner, title, short link resolved): see video_lookups
        jobs = video_lookups.queue_lookup_in_unit(connection, video=video, alert=True) or jobs
    else:
        # the alert, the reviewers' DMs and the card refresh
        queue_delivery_notices_in_unit(connection, project=project, video=video, recipients=recipients)
    return Delivery(project=project, video=video, created=True, jobs_queued=jobs)


def _store_at_once(
    connection: Connection,
    *,
    invite_token: str,
    url: str | None,
    creator_handle: str | None,
    creator_email: str | None,
    now: dt.datetime,
    lookups: bool,
    autocommit: bool,
) -> Delivery | None:
    """`store_new_video` on PostgreSQL of a video without a spark code: nothing is checked once it
    is stored, so the video, its event and its lookup job or its alert, DMs and card refresh are
    one statement (`insert_delivery`) after the project's read: two round trips, where the unit's
    transaction took five or six and one more for each DM or subscribed channel (BEGIN, the read,
    the video, the alert with the lookup of a queued card refresh, the refresh when none was
    found, a row each for the other notices, COMMIT). With `autocommit` (the writer's unit, not a
    session's) each is a transaction of its own. The invite page's deliveries are batched further:
    see `store_new_videos`."""
    projects, ids = project_queries.projects_recipients_and_video_ids(
        connection, invite_tokens=[invite_token], count=1, autocommit=autocommit
    )
    if invite_token not in projects:
        raise NotFound(NOT_FOUND_MESSAGE)
    project, recipients = projects[invite_token]
    ready = _ready_at_once(
        project, recipients, ids[0], url, creator_handle, creator_email, now=now, lookups=lookups
    )
    if not video_queries.insert_delivery(connection, ready.params, autocommit=autocommit):
        return _answer_repeat(
            connection, ready.project, ready.video.video_key, ready.fields, autocommit=autocommit
        )
    return ready.delivery()


def store_new_videos(connection: Connection, *, items: list[dict[str, Any]]) -> list[tuple[bool, Any]]:
    """PostgreSQL: the writer's batch (`Writer.run_batched`) of the invite page's deliveries without
    a spark code (each item `Submitted` with its `now`); each one's (ok, `store_new_video`'s answer
    or error). One read for all (their projects and an id each), one round trip for all their
    writes (`insert_deliveries`, one transaction of its own), one for which videos were new; a
    repeat's stored video is read. If their writes fail, none is kept and each is stored again on
    its own."""
    if len(items) == 1:  # two round trips, where a batch's three serve any number
        return [_outcome(partial(store_new_video, connection, **items[0], autocommit=True))]
    outcomes: list[tuple[bool, Any]] = [(False, RuntimeError("not handled"))] * len(items)
    tokens = sorted({item["invite_token"] for item in items if is_plausible_token(item["invite_token"])})
    projects, ids = project_queries.projects_recipients_and_video_ids(
        connection, invite_tokens=tokens, count=len(items), autocommit=True
    )
    ready: list[tuple[int, _AtOnce]] = []
    for index, item in enumerate(items):
        try:
            found = projects.get(item["invite_token"])
            if found is None:
                raise NotFound(NOT_FOUND_MESSAGE)
            fields = (item["url"], item["creator_handle"], item["creator_email"])
            ready.append(
                (
                    index,
                    _ready_at_once(
                        *found, ids[index], *fields, now=item["now"], lookups=item.get("lookups", False)
                    ),
                )
            )
        except Exception as exc:  # this delivery's own refusal, for its own caller
            outcomes[index] = (False, exc)
    if not ready:
        return outcomes
    # in the order of their projects and videos: two replicas' batches lock a project's queued card
    # refresh and a video's key in the same order, and so never wait for each other in a circle
    in_order = sorted(
        (each for _, each in ready), key=lambda each: (each.project.id or 0, each.video.video_key)
    )
    try:
        video_queries.insert_deliveries(connection, [each.params for each in in_order])
    except DBAPIError as exc:
        log.warning(
            "a batch of %d deliveries failed (%s): each is stored on its own",
            len(ready),
            exc.__class__.__name__,
        )
        for index, _ in ready:
            outcomes[index] = _outcome(partial(store_new_video, connection, **items[index], autocommit=True))
        return outcomes
    stored = video_queries.stored_video_ids(
        connection, ids=[each.video.id for _, each in ready if each.video.id]
    )
    for index, each in ready:
        if each.video.id in stored:
            outcomes[index] = (True, each.delivery())
        else:  # the project had it already (or an earlier delivery of this batch)
            repeat = partial(
                _answer_repeat, connection, each.project, each.video.video_key, each.fields, autocommit=True
            )
            outcomes[index] = _outcome(repeat)
    return outcomes


def _outcome(call: Callable[[], Any]) -> tuple[bool, Any]:
    try:
        return True, call()
    except Exception as exc:  # its own error, for its own caller
        return False, exc


@dataclass(frozen=True)
class _AtOnce:
    """A delivery checked and ready to be written in one statement (`insert_delivery`)."""

    project: LiteProject
    video: Video
    fields: _Fields
    params: dict[str, Any]
    jobs: bool

    def delivery(self) -> Delivery:
        return Delivery(project=self.project, video=self.video, created=True, jobs_queued=self.jobs)


def _ready_at_once(
    project: LiteProject,
    recipients: Recipients,
    video_id: int,
    url: str | None,
    creator_handle: str | None,
    creator_email: str | None,
    *,
    now: dt.datetime,
    lookups: bool,
) -> _AtOnce:
    """The checks of a delivery without a spark code, and the rows it writes: with `lookups` its
    lookup job (the alert waits for TikTok's answer: owner, title, short link resolved), else its
    alert, DMs and card refresh."""
    require_accepting(project)
    fields = _clean_fields(url, creator_handle, creator_email, None)
    video, event = _new_video(project, fields, now)
    video.id = video_id
    event.target_id = video_id
    if lookups:
        jobs = [video_lookups.lookup_job(video, alert=True).row()]
        params = video_queries.delivery_params(video=video, event=event, jobs=jobs)
    else:
        notices = delivery_notices(project, video, recipients)
        params = video_queries.delivery_params(
            video=video, event=event, messages=[*notices.alerts, *notices.dms], refresh=notices.card
        )
    return _AtOnce(project, video, fields, params, jobs=lookups)


def _new_video(project: LiteProject, fields: _Fields, now: dt.datetime) -> tuple[Video, AuditEvent]:
    """A delivered video's row and its `video.delivered` event (its `target_id` given once stored)."""
    assert project.id is not None
    video = unit_row(
        Video,
        dict(
            workspace_id=project.workspace_id,
            project_id=project.id,
            video_key=fields.link.key,
            tiktok_video_id=fields.link.video_id,
            url=fields.link.url,
            needs_resolution=fields.link.needs_resolution,
            creator_handle=fields.handle,
            creator_email=fields.email,
            spark_code=fields.spark_code,
            source=VideoSource.INVITE_LINK,
            # a code delivered with the video authorizes it from now (its end is estimated from the
            # project's period until TikTok confirms the real one), tracked like a linking request's
            status=VideoStatus.AUTHORIZED if fields.spark_code else VideoStatus.DELIVERED,
            authorized_at=now if fields.spark_code else None,
            delivered_at=now,
        ),
    )
    event = unit_row(
        AuditEvent,
        dict(
            workspace_id=project.workspace_id,
            actor=f"creator:{fields.handle}",
            action="video.delivered",
            target_type="video",
            target_id=0,  # the video's id, given when both are stored
            after={
                "project_id": project.id,
                "url": video.url,
                "needs_resolution": video.needs_resolution,
                "spark_code": video.spark_code is not None,
            },
        ),
    )
    return video, event


def _answer_repeat(
    connection: Connection, project: LiteProject, video_key: str, fields: _Fields, *, autocommit: bool = False
) -> Delivery | None:
    """A repeat: the same creator sending it again with nothing new (a refresh, a second tap) is
    answered here from the stored video. Anything it changes is `deliver_video`'s, on a session
    (None): on SQLite that transaction holds the pooled connection, and so every other delivery's
    commit, for as long as its round trips take on a busy event loop."""
    assert project.id is not None
    stored = video_queries.video_by_key(
        connection, project_id=project.id, video_key=video_key, autocommit=autocommit
    )
    if stored is not None and _changes_nothing(stored, fields):
        return Delivery(project=project, video=stored, created=False, code_problem=_code_problem(stored))
    return None


def _changes_nothing(video: Video, fields: _Fields) -> bool:
    """A repeat delivery of `video` by its own creator that brings no new spark code."""
    return video.creator_handle == fields.handle and fields.spark_code in (None, video.spark_code)


def _code_problem(video: Video) -> str | None:
    if video.spark_check is SparkCheck.OTHER_VIDEO:
        return (
            "The spark code you sent unlocks a different video on TikTok. In TikTok, open this video's "
            "ad settings, copy its own code, and send it here with the video's link."
        )
    if video.spark_check in (SparkCheck.INVALID, SparkCheck.EXPIRED):
        return (
            "TikTok doesn't accept the spark code you sent for this video (it is unknown or has expired). "
            "Send a new code for this video here with its link."
        )
    return None


async def _repeat_delivery(
    session: AsyncSession,
    project: LiteProject,
    video: Video,
    fields: _Fields,
    now: dt.datetime,
    *,
    lookups: bool = False,
    server_token: bool = False,
) -> Delivery:
    if video.creator_handle != fields.handle:
        if video_lookups.owner_may_take_over(video, fields.handle):
            # TikTok said this video is on this creator's account: their own delivery wins
            video_lookups.take_over(
                session, video, handle=fields.handle, email=fields.email, spark_code=fields.spark_code
            )
            video.spark_ends_at = video.spark_auth_status = video.new_code_requested_at = None
            await spark_checks.forget_placements(session, video=video)
            await spark_checks.queue_check(session, video=video, server_token=server_token)
            assert video.id is not None
            await queue_notice(
                session,
                project=project,
                kind=NoticeKind.VIDEO_DELIVERED,
                dedup_key=f"video-delivered:{video.id}:owner:{fields.handle}",
                creator_handle=fields.handle,
                video_id=video.id,
            )
            await queue_card_refresh(session, project=project, reason=f"video-{video.id}-owner")
            await session.flush()
            return Delivery(project=project, video=video, created=True)
        if lookups and video.owner_check == OwnerCheck.UNVERIFIED:
            raise VideoOfAnotherCreator(OWNER_NOT_CONFIRMED)
        raise VideoOfAnotherCreator(
            "This video was already delivered to this project by another creator. "
            "If it's yours, contact the brand using the details on this page."
        )
    if _changes_nothing(video, fields):
        return Delivery(project=project, video=video, created=False, code_problem=_code_problem(video))
    if video.spark_code is not None and not spark_checks.may_replace_code(video):
        return Delivery(project=project, video=video, created=False)
    assert video.id is not None and project.id is not None
    if await spark_code_taken(
        session, workspace_id=project.workspace_id, code=fields.spark_code, video_key=video.video_key
    ):
        raise InvalidInput({"spark_code": SPARK_CODE_TAKEN})
    replaced = video.spark_code is not None
    before = {"spark_code": replaced, "status": VideoStatus(video.status).value}
    video.spark_code = fields.spark_code
    video.spark_ends_at = video.spark_auth_status = None  # TikTok is asked about the new one
    if replaced:
        await spark_checks.forget_placements(session, video=video)
    await spark_checks.queue_check(session, video=video, server_token=server_token)
    if video.status in (VideoStatus.DELIVERED, VideoStatus.EXPIRED):
        video.status = VideoStatus.AUTHORIZED
        video.authorized_at = now
        video.ending_reminded_at = None
        video.ended_reminded_at = None
    event = audit_queries.add_audit_event(
        session,
        workspace_id=project.workspace_id,
        actor=f"creator:{fields.handle}",
        action="video.spark_code_replaced" if replaced else "video.spark_code_added",
        target_type="video",
        target_id=video.id,
        before=before,
        after={"spark_code": True, "status": VideoStatus(video.status).value},
    )
    await session.flush()
    # the alert stops saying "Missing" where it was posted, and the thread hears the code came
    await spark_checks.refresh_alerts(session, project=project, video=video, reason=f"code-{event.id}")
    await queue_notice(
        session,
        project=project,
        kind=NoticeKind.VIDEO_AUTHORIZED,
        dedup_key=f"video-code:{video.id}" + (f":{event.id}" if replaced else ""),
        creator_handle=fields.handle,
        video_ids=[video.id],
        spark_code_arrived=True,
    )
    await queue_card_refresh(session, project=project, reason=f"code-{video.id}")
    await session.flush()
    return Delivery(project=project, video=video, created=False, spark_code_added=True)
