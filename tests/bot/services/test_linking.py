"""Linking requests on the services against a real SQLite file: paste, confirm, accept, decline."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import linking
from bot.services.errors import InvalidInput, NotFound
from bot.services.linking import RequestAnswered, RequestExpired
from bot.services.video_lookups import record_answer
from bot.services.workspaces import Actor
from bot.tiktok.oembed import OEmbedAnswer
from storage.models import (
    AuditEvent,
    Job,
    LinkingRequest,
    LinkingRequestStatus,
    LiteProject,
    OutboxMessage,
    OwnerCheck,
    Video,
    VideoSource,
    VideoStatus,
)
from tests.factories import make_project, make_video, make_workspace, new_project, rows
from tests.harness.fake_slack import TEAM_ID
from tests.harness.slack_requests import USER_ID

ACTOR = Actor(team_id=TEAM_ID, user_id=USER_ID)


async def confirm(
    sessions: async_sessionmaker[AsyncSession],
    project: LiteProject,
    text: str | None = None,
    *,
    now: dt.datetime | None = None,
    selected: list[str] | None = None,
) -> linking.Confirmation:
    assert project.id is not None
    async with sessions.begin() as session:
        pasted = await linking.parse_pasted(
            session, entitled=True, actor=ACTOR, project_id=project.id, text=text or PASTE
        )
        return await linking.confirm_videos(
            session,
            actor=ACTOR,
            project_id=project.id,
            candidates=pasted.candidates,
            selected=selected if selected is not None else [c.key for c in pasted.candidates],
            expires_after_days=30,
            entitled=True,
            now=now,
        )


# --- parsing ------------------------------------------------------------------------------------


def test_every_link_form_is_read_and_bad_lines_say_why() -> None:
    candidates, invalid, duplicates = linking.parse_lines(MIXED)

    assert [(c.handle, c.key) for c in candidates] == [
        ("glow.maker", VIDEO_A),
        ("glow.maker", VIDEO_B),
        ("sun.daze", VIDEO_C),
        ("sun.daze", "https://vm.tiktok.com/ZMabc123/"),
    ]
    assert candidates[1].url == f"https://www.tiktok.com/@glow.maker/video/{VIDEO_B}"
    assert candidates[3].needs_resolution
    assert [(item.line, item.text) for item in invalid] == [
        (3, "https://www.tiktok.com/@glow.maker/photo/7301234567890123999"),
        (4, "not a link"),
        (6, "https://vt.tiktok.com/ZSabc999/"),
    ]
    assert "photo post" in invalid[0].reason
    assert "add the creator's handle" in invalid[2].reason
    assert [(item.line, item.reason) for item in duplicates] == [(8, "Pasted twice; added once.")]


def test_a_handle_that_contradicts_the_link_is_refused() -> None:
    _, invalid, _ = linking.parse_lines(f"https://www.tiktok.com/@glow.maker/video/{VIDEO_A} @someone.else")

    assert "not @someone.else's" in invalid[0].reason


def test_too_many_or_no_lines_are_refused() -> None:
    with pytest.raises(InvalidInput) as empty:
        linking.parse_lines(" \n ")
    with pytest.raises(InvalidInput) as many:
        linking.parse_lines("\n".join(f"https://www.tiktok.com/@a.b/video/73{n:017d}" for n in range(41)))

    assert set(empty.value.errors) == {"urls"} and "at least one" in empty.value.errors["urls"]
    assert "at most 40" in many.value.errors["urls"]


def test_the_compact_form_carried_by_the_modal_is_checked_again() -> None:
    candidates, _, _ = linking.parse_lines(MIXED)

    again = linking.candidates_from_compact(
        [c.compact for c in candidates] + [["x", "javascript:alert(1)"], "junk"]
    )

    assert again == candidates


async def test_videos_already_in_the_project_are_duplicates(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        project = await make_project(session)
        await make_video(session, project=project, creator_handle="glow.maker", tiktok_video_id=VIDEO_A)
    assert project.id is not None

    async with sessions() as session:
        pasted = await linking.parse_pasted(
            session, entitled=True, actor=ACTOR, project_id=project.id, text=PASTE
        )

    assert [c.key for c in pasted.candidates] == [VIDEO_B, VIDEO_C]
    assert [(d.line, d.reason) for d in pasted.duplicates] == [(1, "Already in this project; skipped.")]


async def test_nothing_addable_is_an_error_on_the_urls_field(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    assert project.id is not None

    async with sessions() as session:
        with pytest.raises(InvalidInput) as refused:
            await linking.parse_pasted(
                session, entitled=True, actor=ACTOR, project_id=project.id, text="nope\nhttps://example.com/x"
            )

    assert "Line 1:" in refused.value.errors["urls"] and "Line 2:" in refused.value.errors["urls"]


async def test_a_project_of_another_workspace_is_not_found(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        other = await make_workspace(session, team_id="T0OTHER01")
        project = await make_project(session, workspace=other)
    assert project.id is not None

    async with sessions() as session:
        with pytest.raises(NotFound):
            await linking.parse_pasted(session, entitled=True, actor=ACTOR, project_id=project.id, text=PASTE)


# --- confirming ---------------------------------------------------------------------------------


async def test_confirm_creates_one_request_per_creator(sessions: async_sessionmaker[AsyncSession]) -> None:
    project = await new_project(sessions)
    now = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)

    confirmation = await confirm(sessions, project, now=now)

    assert [(item.request.creator_handle, len(item.videos)) for item in confirmation.requests] == [
        ("glow.maker", 2),
        ("sun.daze", 1),
    ]
    requests = await rows(sessions, LinkingRequest)
    assert len({request.token for request in requests}) == 2
    assert all(len(request.token) == 32 for request in requests)  # token_urlsafe(24)
    assert all(request.expires_at == now + dt.timedelta(days=30) for request in requests)
    assert all(request.status == LinkingRequestStatus.PENDING for request in requests)
    videos = await rows(sessions, Video)
    assert {(v.source, v.status) for v in videos} == {
        (VideoSource.LINKING_REQUEST, VideoStatus.PENDING_AUTHORIZATION)
    }
    assert [v.linking_request_id for v in videos] == [requests[0].id, requests[0].id, requests[1].id]
    audits = [event.action for event in await rows(sessions, AuditEvent)]
    assert audits == ["linking_request.created", "linking_request.created"]


async def test_only_selected_videos_are_requested(sessions: async_sessionmaker[AsyncSession]) -> None:
    project = await new_project(sessions)

    confirmation = await confirm(sessions, project, selected=[VIDEO_C])

    assert [item.request.creator_handle for item in confirmation.requests] == ["sun.daze"]
    assert [v.tiktok_video_id for v in await rows(sessions, Video)] == [VIDEO_C]


async def test_selecting_nothing_is_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    project = await new_project(sessions)

    with pytest.raises(InvalidInput) as refused:
        await confirm(sessions, project, selected=[])

    assert "Select at least one video" in refused.value.errors["videos"]
    assert await rows(sessions, LinkingRequest) == []


async def test_a_video_added_meanwhile_is_skipped_at_confirm(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    assert project.id is not None
    async with sessions() as session:
        pasted = await linking.parse_pasted(
            session, entitled=True, actor=ACTOR, project_id=project.id, text=PASTE
        )
    async with sessions.begin() as session:
        stored = await session.get(LiteProject, project.id)
        assert stored is not None
        await make_video(session, project=stored, creator_handle="sun.daze", tiktok_video_id=VIDEO_C)

    async with sessions.begin() as session:
        confirmation = await linking.confirm_videos(
            session,
            actor=ACTOR,
            project_id=project.id,
            candidates=pasted.candidates,
            selected=[c.key for c in pasted.candidates],
            expires_after_days=30,
            entitled=True,
        )

    assert [c.key for c in confirmation.skipped] == [VIDEO_C]
    assert [item.request.creator_handle for item in confirmation.requests] == ["glow.maker"]


# --- answering ----------------------------------------------------------------------------------


async def test_accepting_authorizes_every_video_with_its_code(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    request = (await confirm(sessions, project)).requests[0].request
    at = dt.datetime.now(dt.UTC)

    async with sessions.begin() as session:
        answer = await linking.accept_request(
            session, token=request.token, spark_codes=[CODE_1, f"  {CODE_2} "], now=at
        )

    assert answer.accepted
    videos = [v for v in await rows(sessions, Video) if v.linking_request_id == request.id]
    assert [(v.status, v.spark_code) for v in videos] == [
        (VideoStatus.AUTHORIZED, CODE_1),
        (VideoStatus.AUTHORIZED, CODE_2),
    ]
    assert all(v.authorized_at and abs((v.authorized_at - at).total_seconds()) < 1 for v in videos)
    (stored,) = [r for r in await rows(sessions, LinkingRequest) if r.id == request.id]
    assert stored.status == LinkingRequestStatus.ACCEPTED and stored.answered_at is not None
    outbox = {row.dedup_key: row for row in await rows(sessions, OutboxMessage)}
    notice = outbox[f"linking-accepted:{request.id}"]
    assert notice.kind == "video_authorized"
    assert notice.payload["video_ids"] == [v.id for v in videos]
    assert ("creator:glow.maker", "linking_request.accepted") in [
        (e.actor, e.action) for e in await rows(sessions, AuditEvent)
    ]


async def test_accepting_needs_a_valid_distinct_code_per_video(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    request = (await confirm(sessions, project)).requests[0].request

    async with sessions.begin() as session:
        with pytest.raises(InvalidInput) as missing:
            await linking.accept_request(session, token=request.token, spark_codes=[CODE_1, ""])
    async with sessions.begin() as session:
        with pytest.raises(InvalidInput) as same:
            await linking.accept_request(session, token=request.token, spark_codes=[CODE_1, CODE_1])
    async with sessions.begin() as session:
        with pytest.raises(InvalidInput) as bad:
            await linking.accept_request(session, token=request.token, spark_codes=["short", CODE_2])

    assert set(missing.value.errors) == {"spark_code_1"}
    assert "same code as video 1" in same.value.errors["spark_code_1"]
    assert set(bad.value.errors) == {"spark_code_0"}
    assert {v.status for v in await rows(sessions, Video)} == {VideoStatus.PENDING_AUTHORIZATION}


async def test_accepting_refuses_a_code_given_with_another_video_of_the_workspace(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    elsewhere = await new_project(sessions)
    async with sessions.begin() as session:
        await make_video(session, project=elsewhere, tiktok_video_id="7301234567890100001", spark_code=CODE_1)
    project = await new_project(sessions)
    request = (await confirm(sessions, project)).requests[0].request

    async with sessions.begin() as session:
        with pytest.raises(InvalidInput) as taken:
            await linking.accept_request(session, token=request.token, spark_codes=[CODE_1, CODE_2])

    assert set(taken.value.errors) == {"spark_code_0"}
    assert "already given with another video" in taken.value.errors["spark_code_0"]
    pending = [v for v in await rows(sessions, Video) if v.linking_request_id == request.id]
    assert {v.status for v in pending} == {VideoStatus.PENDING_AUTHORIZATION}


async def test_declining_records_it_and_tells_the_channel(sessions: async_sessionmaker[AsyncSession]) -> None:
    project = await new_project(sessions)
    request = (await confirm(sessions, project)).requests[1].request

    async with sessions.begin() as session:
        answer = await linking.decline_request(session, token=request.token)

    assert not answer.accepted
    statuses = {v.tiktok_video_id: v.status for v in await rows(sessions, Video)}
    assert statuses == {
        VIDEO_A: VideoStatus.PENDING_AUTHORIZATION,
        VIDEO_B: VideoStatus.PENDING_AUTHORIZATION,
        VIDEO_C: VideoStatus.DECLINED,
    }
    keys = {row.dedup_key: row.kind for row in await rows(sessions, OutboxMessage)}
    assert keys[f"linking-declined:{request.id}"] == "video_declined"


async def test_a_request_is_answered_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    project = await new_project(sessions)
    request = (await confirm(sessions, project)).requests[1].request
    async with sessions.begin() as session:
        await linking.accept_request(session, token=request.token, spark_codes=[CODE_1])

    async with sessions.begin() as session:
        with pytest.raises(RequestAnswered) as again:
            await linking.decline_request(session, token=request.token)
    async with sessions.begin() as session:
        with pytest.raises(RequestAnswered):
            await linking.accept_request(session, token=request.token, spark_codes=[CODE_2])

    assert "already accepted" in again.value.message
    (video,) = [v for v in await rows(sessions, Video) if v.tiktok_video_id == VIDEO_C]
    assert (video.status, video.spark_code) == (VideoStatus.AUTHORIZED, CODE_1)


async def test_an_expired_request_is_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    project = await new_project(sessions)
    created = dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
    request = (await confirm(sessions, project, now=created)).requests[1].request

    async with sessions() as session:
        view = await linking.get_request(session, token=request.token)
    async with sessions.begin() as session:
        with pytest.raises(RequestExpired) as refused:
            await linking.accept_request(session, token=request.token, spark_codes=[CODE_1])

    assert view.state == "expired"
    assert "expired on" in refused.value.message
    assert {v.status for v in await rows(sessions, Video)} == {VideoStatus.PENDING_AUTHORIZATION}


async def test_unknown_and_malformed_tokens_are_not_found(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        for token in ("x" * 32, "../../etc", ""):
            with pytest.raises(NotFound):
                await linking.get_request(session, token=token)


def test_the_entitlement_is_explained_when_off() -> None:
    with pytest.raises(linking.NotEntitled) as off:
        linking.require_enabled(False)
    linking.require_enabled(True)

    assert "available to select customers" in off.value.message


VIDEO_A = "7301234567890123456"
VIDEO_B = "7301234567890123457"
VIDEO_C = "7301234567890123458"
CODE_1 = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
CODE_2 = "#Zx9Qm2LpT7rVbN4kWc8YhJd3FsA6uGe1Oi5Rn0Ht+Kq="
PASTE = "\n".join(
    [
        f"https://www.tiktok.com/@glow.maker/video/{VIDEO_A}",
        f"https://www.tiktok.com/@glow.maker/video/{VIDEO_B}?is_from_webapp=1",
        f"https://www.tiktok.com/@sun.daze/video/{VIDEO_C}",
    ]
)
MIXED = "\n".join(
    [
        f"https://www.tiktok.com/@glow.maker/video/{VIDEO_A}?is_from_webapp=1&sender_device=pc",
        f"https://www.tiktok.com/embed/v2/{VIDEO_B} @Glow.Maker",
        "https://www.tiktok.com/@glow.maker/photo/7301234567890123999",
        "not a link",
        "",
        f"m.tiktok.com/v/{VIDEO_C}.html @sun.daze",
        "https://vt.tiktok.com/ZSabc999/",
        "https://vm.tiktok.com/ZMabc123/ @sun.daze",
        f"https://www.tiktok.com/@glow.maker/video/{VIDEO_A}",
    ]
)


async def test_with_lookups_each_video_with_an_id_is_checked_with_tiktok(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project = await new_project(sessions)
    assert project.id is not None
    text = f"{PASTE}\nhttps://vt.tiktok.com/ZSabc9999/ @sun.daze"
    async with sessions.begin() as session:
        pasted = await linking.parse_pasted(
            session, entitled=True, actor=ACTOR, project_id=project.id, text=text
        )
        await linking.confirm_videos(
            session,
            actor=ACTOR,
            project_id=project.id,
            candidates=pasted.candidates,
            selected=[c.key for c in pasted.candidates],
            expires_after_days=30,
            entitled=True,
            lookups=True,
        )

    jobs = await rows(sessions, Job)
    videos = {video.id: video for video in await rows(sessions, Video)}
    # the short link waits for the creator; the three with an id are looked up, without an alert
    assert sorted(videos[job.payload["video_id"]].video_key for job in jobs) == sorted(
        [VIDEO_A, VIDEO_B, VIDEO_C]
    )
    assert all(job.payload["alert"] is False for job in jobs)
    [sun] = [video for video in videos.values() if video.video_key == VIDEO_C]
    async with sessions.begin() as session:
        answer = OEmbedAnswer(embed_product_id=VIDEO_C, author_unique_id="someone.else", title="Beach day")
        assert await record_answer(session, video_id=sun.id, answer=answer, alert=False) is True  # type: ignore[arg-type]
    async with sessions() as session:
        checked = await session.get(Video, sun.id)
    assert checked is not None
    assert (checked.owner_check, checked.owner_handle, checked.title) == (
        OwnerCheck.OTHER_ACCOUNT,
        "someone.else",
        "Beach day",
    )
    # team-added videos raise no alert; the thread hears that this one is on another account
    assert sorted(message.kind for message in await rows(sessions, OutboxMessage)) == [
        "project_card",
        "video_not_the_owners",
    ]
