"""The outbox dispatcher through the real server against a fake Slack that fails on demand."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import select

from bot.notify.dispatcher import DispatcherConfig
from bot.services.notices import queue_card_refresh
from bot.services.projects import set_invite_link_active
from bot.services.subscriptions import set_broadcast, subscribe
from bot.services.workspaces import Actor
from storage.models import LiteProject, OutboxMessage, OutboxStatus
from tests.factories import make_delivery, make_project, make_workspace
from tests.harness.fake_slack import TEAM_ID, FakeSlack, Scripted
from tests.harness.server import RunningServer, start_server

ALICE = Actor(team_id=TEAM_ID, user_id="U0ALICE01")
QUICK = {"poll_seconds": 0.02, "backoff_base": 0.02, "backoff_cap": 0.2, "lease_seconds": 5.0}


@pytest.fixture
async def make_server(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[Any]:
    running: list[RunningServer] = []

    async def start(**config: Any) -> RunningServer:
        server = await start_server(
            fake_slack, database_url, dispatcher_config=DispatcherConfig(**{**QUICK, **config})
        )
        running.append(server)
        return server

    yield start
    for server in running:
        await server.stop()


async def test_fifty_deliveries_arrive_once_through_429s_and_503s(make_server: Any) -> None:
    server = await make_server(channel_rate=100.0, channel_burst=100, digest_threshold=1000)
    server.fake.pattern("chat.postMessage", every_other_429_every_third_503)
    projects = [await a_project(server, channel_id=f"C0CHAN{index:04d}") for index in range(5)]

    for number in range(50):
        await deliver(server, projects[number % 5], number)
    await settle(server, timeout=30)

    posted = server.fake.kept_keys()
    alerts = [key for key in posted if key.startswith("video-delivered:")]
    assert len(alerts) == 50 and len(set(alerts)) == 50
    assert Counter(posted).most_common(1)[0][1] == 1  # nothing posted twice, cards included
    statuses = await outbox_statuses(server)
    assert statuses == {OutboxStatus.SENT: len(statuses_rows := await outbox_rows(server))} and statuses_rows
    answers = Counter(call.answer.get("error") for call in server.fake.of("chat.postMessage"))
    assert answers["ratelimited"] > 10 and answers["service_unavailable"] > 5


async def test_a_429_pauses_the_channel_for_retry_after(make_server: Any) -> None:
    server = await make_server(channel_rate=100.0, channel_burst=100)
    server.fake.rate_limit("chat.postMessage", retry_after=1)
    project = await a_project(server)

    await pause(server, project)
    await settle(server, timeout=10)

    limited, *later = server.fake.of("chat.postMessage")
    assert limited.answer["error"] == "ratelimited"
    assert later and later[0].at - limited.at >= 0.95


async def test_after_max_attempts_a_row_is_parked_and_status_shows_it(make_server: Any) -> None:
    server = await make_server(max_attempts=3)
    server.fake.server_error("chat.postMessage", times=3)
    project = await a_project(server)
    async with server.sessions.begin() as session:  # the card is posted: refreshing it is an edit
        card_project = await session.get(LiteProject, project.id)
        assert card_project is not None
        card_project.card_channel_id, card_project.card_ts = project.channel_id, "1699999999.000100"

    await pause(server, project)  # queues the card edit and the pause notice
    await wait_until(lambda: any_failed(server), timeout=10)

    await server.slack.command("status")
    status = (await server.fake.wait_for("respond"))[0]
    assert "1 failed" in status.args["text"]
    assert "service_unavailable" in json.dumps(status.args["blocks"])

    await server.slack.command("status retry")
    await server.fake.wait_for("respond", 2)  # the rows are queued again (after the ack) by now
    await settle(server, timeout=10)
    # the card's rows (its post, and its refresh unless that merged into it) and the notice
    statuses = await outbox_statuses(server)
    assert list(statuses) == [OutboxStatus.SENT] and statuses[OutboxStatus.SENT] in (2, 3)


async def test_an_archived_channel_parks_the_row_with_the_reason(make_server: Any) -> None:
    server = await make_server()
    server.fake.fail("chat.postMessage", "is_archived")
    await a_project(server)
    project = await a_project(server)

    await pause(server, project)
    await wait_until(lambda: any_failed(server), timeout=10)

    (failed,) = [row for row in await outbox_rows(server) if row.status == OutboxStatus.FAILED]
    assert failed.last_error == "the channel is archived"
    assert failed.attempts == 1


async def test_not_in_channel_joins_a_public_channel_once_and_retries(make_server: Any) -> None:
    server = await make_server()
    server.fake.members = set()
    project = await a_project(server, channel_id="C0PUBLIC01")

    await pause(server, project)
    await settle(server)

    (join,) = server.fake.of("conversations.join")  # once, though two messages went there
    assert join.args["channel"] == "C0PUBLIC01"
    assert [key.split(":")[0] for key in server.fake.kept_keys()] == ["project-card", "project_paused"]


async def test_a_private_channel_the_app_is_not_in_is_parked_with_what_to_do(make_server: Any) -> None:
    server = await make_server()
    server.fake.members = set()
    project = await a_project(server, channel_id="G0PRIVATE1")

    await pause(server, project)
    await wait_until(lambda: any_failed(server), timeout=10)

    failures = {row.last_error for row in await outbox_rows(server) if row.status == OutboxStatus.FAILED}
    assert failures == {"liteproject isn't in this private channel; invite it with /invite @liteproject"}


async def test_a_burst_of_thirty_becomes_five_alerts_and_a_digest(make_server: Any) -> None:
    server = await make_server(channel_rate=100.0, channel_burst=100, digest_threshold=5, digest_window=5.0)
    project = await a_project(server)
    await server.settle()  # the project card
    cards = len(server.fake.of("chat.postMessage"))

    for number in range(30):
        await deliver(server, project, number)
    await settle(server, timeout=10)

    messages = server.fake.of("chat.postMessage")[cards:]
    alerts = [m for m in messages if key_of(m).startswith("video-delivered:")]
    digests = [m for m in messages if key_of(m).startswith("digest:")]
    assert all("new videos delivered" in m.args["text"] for m in digests)
    assert len(alerts) == 5
    assert 1 <= len(digests) <= 2  # one per window; the burst may straddle two windows
    handles = [f"@maker{number:02d}" for number in range(30)]
    mentioned = Counter(
        handle
        for handle in handles
        for m in messages
        if handle in m.args["text"] + json.dumps(m.args["blocks"])
    )
    assert all(mentioned[handle] == 1 for handle in handles), mentioned


async def test_the_per_channel_rate_is_never_exceeded(make_server: Any) -> None:
    rate, burst = 10.0, 2
    server = await make_server(channel_rate=rate, channel_burst=burst, digest_threshold=1000)
    project = await a_project(server)

    for number in range(25):
        await deliver(server, project, number)
    await settle(server, timeout=15)

    times = sorted(
        call.at for call in server.fake.of("chat.postMessage") if call.args["channel"] == project.channel_id
    )
    assert len(times) >= 26  # the card and 25 alerts
    # A token bucket sends at most burst + rate × span messages in any span. Arrival times at the
    # fake bunch up when a busy machine delays a send, so check the whole run: 26 messages need at
    # least (26 - burst) / rate seconds between the first send and the last. Measured at the fake,
    # that span is short by as much as the first message's trip took longer than the last's: the
    # allowance below (a fraction of one interval) leaves a send past the rate still failing.
    span = times[-1] - times[0]
    trip_jitter = 0.02
    assert len(times) <= burst + rate * (span + trip_jitter), (len(times), span)


async def test_events_thread_under_the_card_and_broadcast_as_chosen(make_server: Any) -> None:
    server = await make_server()
    project = await a_project(server)
    await server.settle()
    card = server.fake.of("chat.postMessage")[0]
    async with server.sessions.begin() as session:
        await set_broadcast(session, actor=ALICE, channel_id=project.channel_id, text="paused")

    await deliver(server, project, 1)
    await pause(server, project)
    await settle(server)

    delivered, paused = server.fake.of("chat.postMessage")[1:3]
    assert delivered.args["thread_ts"] == paused.args["thread_ts"] == card.answer["ts"]
    assert delivered.args.get("reply_broadcast") in (None, False)
    assert paused.args["reply_broadcast"] is True
    # the card is edited in place (once or twice: refreshes queued together are merged)
    updates = server.fake.of("chat.update")
    assert 1 <= len(updates) <= 2 and all(update.args["ts"] == card.answer["ts"] for update in updates)
    assert "(paused)" in updates[-1].args["text"] and "1 delivered" in json.dumps(updates[-1].args["blocks"])


async def test_subscriptions_and_negative_filters_route_events(make_server: Any) -> None:
    server = await make_server()
    project = await a_project(server, link_name="Summer glow")
    async with server.sessions.begin() as session:
        await subscribe(session, actor=ALICE, channel_id="C0EVERYTHING", text="all")
        await subscribe(session, actor=ALICE, channel_id="C0NODELIVER", text="all -delivered")
        await subscribe(
            session, actor=ALICE, channel_id="C0MAYAONLY", text="summer glow delivered creator:@maya.films"
        )

    await deliver(server, project, 1, handle="maya.films")
    await deliver(server, project, 2, handle="someone.else")
    await pause(server, project)
    await settle(server)

    def keys_in(channel: str) -> list[str]:
        return [
            key_of(call) for call in server.fake.of("chat.postMessage") if call.args["channel"] == channel
        ]

    assert [key.split(":")[0] for key in keys_in("C0EVERYTHING")] == [
        "video-delivered",
        "video-delivered",
        "project_paused",
    ]
    assert [key.split(":")[0] for key in keys_in("C0NODELIVER")] == ["project_paused"]
    assert len(keys_in("C0MAYAONLY")) == 1
    maya = next(call for call in server.fake.of("chat.postMessage") if call.args["channel"] == "C0MAYAONLY")
    assert "maya.films" in maya.args["text"]
    assert "Summer glow" in json.dumps(maya.args["blocks"])  # says which project it is about


async def test_subscribe_command_explains_invalid_filters(make_server: Any) -> None:
    server = await make_server()
    await a_project(server, link_name="Summer glow")

    # each answer comes after its ack, so wait for it before the next command
    await server.slack.command("subscribe all -delivrd")
    (invalid,) = await server.fake.wait_for("respond", 1)
    await server.slack.command("subscribe summer glow paused,resumed")
    saved = (await server.fake.wait_for("respond", 2))[1]
    await server.slack.command("subscriptions")
    listed = (await server.fake.wait_for("respond", 3))[2]
    assert (
        "Valid events: created, delivered, authorized, declined, paused, resumed, reminders"
        in invalid.args["text"]
    )
    assert saved.args["text"] == "This channel now gets paused, resumed events of “Summer glow”."
    assert "Summer glow: paused, resumed" in listed.args["text"]


async def test_action_dms_reach_the_owner_only_when_turned_on(make_server: Any) -> None:
    server = await make_server()
    project = await a_project(server)
    await deliver(server, project, 1)
    await settle(server)
    assert not [call for call in server.fake.of("chat.postMessage") if call.args["channel"] == "U0ALICE01"]

    await server.slack.block_action(
        "home_toggle_action_dms", value="on", view={"id": "VHOME", "type": "home"}
    )
    await server.fake.wait_for("views.publish")
    await deliver(server, project, 2)
    await settle(server)

    (dm,) = [call for call in server.fake.of("chat.postMessage") if call.args["channel"] == "U0ALICE01"]
    assert "maker02" in dm.args["text"]
    footer = json.dumps(dm.args["blocks"][-1])
    assert "App Home" in footer and "this channel" not in footer


# --- helpers ----------------------------------------------------------------------------------


def every_other_429_every_third_503(number: int) -> Scripted | None:
    if number % 2 == 0:
        return Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"})
    if number % 3 == 0:
        return Scripted(503, {"ok": False, "error": "service_unavailable"})
    return None


async def a_project(server: RunningServer, **kwargs: Any) -> LiteProject:
    """A project whose card is queued, as creating one through Slack does."""
    async with server.sessions.begin() as session:
        project = await make_project(session, workspace=await make_workspace(session), **kwargs)
        await queue_card_refresh(session, project=project, reason="created")
        return project


async def deliver(
    server: RunningServer, project: LiteProject, number: int, *, handle: str | None = None
) -> None:
    async with server.sessions.begin() as session:
        await make_delivery(session, project=project, number=number, handle=handle or f"maker{number:02d}")


async def pause(server: RunningServer, project: LiteProject) -> None:
    async with server.sessions.begin() as session:
        await set_invite_link_active(session, actor=ALICE, project_id=project.id, active=False)


def key_of(call: Any) -> str:
    return str(((call.args.get("metadata") or {}).get("event_payload") or {}).get("dedup_key", ""))


async def outbox_rows(server: RunningServer) -> list[OutboxMessage]:
    async with server.sessions() as session:
        return list((await session.execute(select(OutboxMessage))).scalars().all())


async def outbox_statuses(server: RunningServer) -> dict[OutboxStatus, int]:
    return dict(Counter(row.status for row in await outbox_rows(server)))


async def any_failed(server: RunningServer) -> bool:
    return OutboxStatus.FAILED in await outbox_statuses(server)


async def wait_until(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def settle(server: RunningServer, timeout: float = 5.0) -> None:
    """Wait until nothing is pending in the outbox, retries included."""

    async def nothing_pending() -> bool:
        return OutboxStatus.PENDING not in await outbox_statuses(server)

    await wait_until(nothing_pending, timeout)


async def test_pause_all_posts_one_summary_instead_of_a_notice_each(make_server: Any) -> None:
    server = await make_server()
    for name in ("Alpha", "Beta", "Gamma"):
        await a_project(server, link_name=name, channel_id=f"C0{name.upper()}")
    await settle(server)
    cards = len(server.fake.of("chat.postMessage"))
    server.fake.users["U0ALICE01"] = {"id": "U0ALICE01", "is_admin": True}

    await server.slack.command("pause all", channel_id="C0OPS")
    (answer,) = await server.fake.wait_for("respond")
    await settle(server)

    assert answer.args["text"] == "Paused 3 projects; a summary is posted here."
    posted = server.fake.of("chat.postMessage")[cards:]
    (summary,) = [call for call in posted if call.args["channel"] == "C0OPS"]
    assert summary.args["text"] == "3 projects were paused: Alpha, Beta, Gamma."
    assert len(server.fake.of("chat.update")) == 3  # each card still shows its new state
    # and each project's own thread says so, without a broadcast on top of the summary
    notes = {call.args["channel"]: call.args for call in posted if call.args["channel"] != "C0OPS"}
    assert sorted(notes) == ["C0ALPHA", "C0BETA", "C0GAMMA"]
    assert all(note.get("thread_ts") and not note.get("reply_broadcast") for note in notes.values())
    assert "<@U0ALICE01> paused *Alpha*" in json.dumps(notes["C0ALPHA"]["blocks"])


async def test_a_burst_of_deliveries_edits_the_card_a_few_times_not_once_each(make_server: Any) -> None:
    server = await make_server(channel_rate=100.0, channel_burst=100, digest_threshold=1000)
    project = await a_project(server)
    await server.settle()

    for number in range(20):
        await deliver(server, project, number)
    await settle(server)

    updates = server.fake.of("chat.update")
    assert 1 <= len(updates) < 20
    assert "20 delivered" in json.dumps(updates[-1].args["blocks"])  # the last edit shows them all
