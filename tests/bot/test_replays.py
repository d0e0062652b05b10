"""Signed Slack requests only, each run once: unsigned, badly signed and stale requests refused,
replays and retried events refused through the real server (and across two replicas)."""

from __future__ import annotations

import asyncio
import time

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func
from sqlmodel import select

from storage.models import LiteProject, SeenSlackRequest
from tests.factories import make_project
from tests.harness.fake_slack import FakeSlack
from tests.harness.server import RunningServer, start_server
from tests.harness.slack_requests import USER_ID, sign


async def is_active(server: RunningServer, project_id: int | None) -> bool:
    async with server.sessions() as session:
        project = (
            await session.execute(select(LiteProject).where(LiteProject.id == project_id))
        ).scalar_one()
    return project.active


async def test_a_replayed_pause_after_a_resume_is_refused_on_any_replica(
    fake_slack: FakeSlack, database_url: str
) -> None:
    first = await start_server(fake_slack, database_url)
    second = await start_server(fake_slack, database_url)
    try:
        async with first.sessions.begin() as session:
            project = await make_project(session, link_name="Summer glow")
        pause = first.slack.command_body("pause summer glow")
        stamp = int(time.time())
        signature = sign(pause, stamp)

        paused = await first.slack.post(
            pause, "application/x-www-form-urlencoded", timestamp=stamp, signature=signature
        )
        await fake_slack.wait_for("respond", 1)  # commands do their work after the ack
        await first.slack.command("resume summer glow")
        await fake_slack.wait_for("respond", 2)
        replays = [
            await replica.slack.post(
                pause, "application/x-www-form-urlencoded", timestamp=stamp, signature=signature
            )
            for replica in (first, second)
        ]

        assert paused.status == 200
        assert [(replay.status, replay.json) for replay in replays] == [
            (401, {"error": "this request was already received"})
        ] * 2
        assert await is_active(first, project.id)
    finally:
        await asyncio.gather(first.stop(), second.stop())


async def test_a_retried_event_is_acked_but_handled_once_across_replicas(
    fake_slack: FakeSlack, database_url: str
) -> None:
    first = await start_server(fake_slack, database_url)
    second = await start_server(fake_slack, database_url)
    try:
        home = {"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"}
        answers = [await first.slack.event(home, event_id="Ev0RETRIED")]
        answers.append(await second.slack.event(home, event_id="Ev0RETRIED", retry_num=1))
        answers.append(await first.slack.event(home, event_id="Ev0RETRIED", retry_num=2))
        # a later, different event proves the retries were not merely slow
        await first.slack.event({**home, "user": "U0BOB0001"}, event_id="Ev0ANOTHER")

        publishes = await fake_slack.wait_for("views.publish", 2)
        await asyncio.sleep(0.3)

        assert [answer.status for answer in answers] == [200, 200, 200]
        assert sorted(call.args["user_id"] for call in fake_slack.of("views.publish")) == sorted(
            [USER_ID, "U0BOB0001"]
        )
        assert len(publishes) == 2
    finally:
        await asyncio.gather(first.stop(), second.stop())


async def test_a_forged_signature_is_refused_and_spends_no_mark(server: RunningServer) -> None:
    body = server.slack.command_body("list")
    stamp = int(time.time())

    forged = await server.slack.post(
        body, "application/x-www-form-urlencoded", timestamp=stamp, signature=sign(body, stamp, "wrong")
    )
    genuine = await server.slack.post(body, "application/x-www-form-urlencoded", timestamp=stamp)

    assert forged.status == 401
    assert genuine.status == 200


async def test_unsigned_request_is_refused(server: RunningServer) -> None:
    body = server.slack.command_body("help")

    answer = await server.slack.post(body, "application/x-www-form-urlencoded", signature="")

    assert answer.status == 401


async def test_badly_signed_request_is_refused(server: RunningServer) -> None:
    body = server.slack.command_body("help")
    timestamp = int(time.time())

    answer = await server.slack.post(
        body,
        "application/x-www-form-urlencoded",
        timestamp=timestamp,
        signature=sign(body, timestamp, "wrong"),
    )

    assert answer.status == 401


async def test_request_older_than_five_minutes_is_refused(server: RunningServer) -> None:
    body = server.slack.command_body("help")
    stale = int(time.time()) - 6 * 60

    answer = await server.slack.post(body, "application/x-www-form-urlencoded", timestamp=stale)

    assert answer.status == 401
    assert server.fake.calls == []


async def test_request_signed_four_minutes_ago_is_accepted(server: RunningServer) -> None:
    body = server.slack.command_body("help")

    answer = await server.slack.post(
        body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 4 * 60
    )

    assert answer.status == 200


async def marks(server: RunningServer) -> int:
    async with server.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(SeenSlackRequest))).scalar_one())


@pytest.mark.parametrize("problem", ["unsigned", "badly signed", "stale"])
async def test_a_refused_signature_gets_bolts_own_answer_and_spends_no_mark(
    server: RunningServer, problem: str
) -> None:
    body = server.slack.command_body("list")
    stamp = int(time.time()) - (6 * 60 if problem == "stale" else 0)
    signature = {"unsigned": "", "badly signed": sign(body, stamp, "wrong"), "stale": sign(body, stamp)}[
        problem
    ]
    before = await marks(server)

    answer = await server.slack.post(
        body, "application/x-www-form-urlencoded", timestamp=stamp, signature=signature
    )

    # what Bolt's RequestVerification middleware answers, word for word
    assert (answer.status, answer.text) == (401, '{"error": "invalid request"}')
    assert answer.headers["Content-Type"].startswith("application/json")
    assert await marks(server) == before
    assert server.fake.calls == []


async def test_a_request_s_signature_is_checked_once(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    check = SignatureVerifier.is_valid

    def counted(self: SignatureVerifier, body: str | bytes, timestamp: str, signature: str) -> bool:
        checks.append(signature)
        return check(self, body, timestamp, signature)

    monkeypatch.setattr(SignatureVerifier, "is_valid", counted)
    before = await marks(server)

    answer = await server.slack.command("help")

    assert answer.status == 200
    assert len(checks) == 1
    assert await marks(server) == before + 1  # and it was remembered, once
