"""The durable job runner on each back end: once per key, leases, backoff, parking, two workers."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from bot.jobs import enqueue
from bot.jobs.kinds import prune_jobs
from bot.jobs.registry import GiveUp, JobContext, JobKind, JobRun, RetryLater
from bot.jobs.runner import JobRunner, JobRunnerConfig
from storage import audit as audit_queries
from storage import workspaces as workspace_queries
from storage.db import create_engine, create_sessionmaker
from storage.models import AuditEvent, Job, JobState, Workspace, utcnow
from tests.factories import rows
from tests.harness.server import make_settings

FAST = JobRunnerConfig(poll_seconds=0.01, backoff_base=0.01, backoff_cap=0.05, lease_seconds=5)


def runner(sessions: async_sessionmaker[AsyncSession], kinds: dict[str, JobKind], **config: Any) -> JobRunner:
    settings = make_settings(
        database_url="sqlite+aiosqlite://", slack_api_url="http://127.0.0.1:9/api/", port=1
    )
    return JobRunner(
        context=JobContext(sessions=sessions, settings=settings),
        config=JobRunnerConfig(**{**FAST.__dict__, **config}),
        kinds=kinds,
        periodic_jobs={},
    )


async def queue(sessions: async_sessionmaker[AsyncSession], count: int, kind: str = "note") -> int:
    async with sessions.begin() as session:
        workspace = await workspace_queries.get_or_create_workspace(session, team_id="T0JOBS")
        for number in range(count):
            await enqueue(
                session, kind=kind, key=f"{kind}:{number}", payload={"n": number}, workspace_id=workspace.id
            )
    assert workspace.id is not None
    return workspace.id


def recording_kind(name: str = "note", **options: Any) -> tuple[JobKind, Counter[int]]:
    """A kind that records an audit event per job in its finishing transaction."""
    runs: Counter[int] = Counter()

    async def handler(run: JobRun) -> None:
        runs[run.payload["n"]] += 1
        async with run.finish() as session:
            audit_queries.add_audit_event(
                session,
                workspace_id=run.workspace_id or 0,
                actor="job",
                action="job.ran",
                target_type="job",
                target_id=run.id,
            )

    return JobKind(name, handler, **options), runs


async def test_a_key_is_queued_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        first = await enqueue(session, kind="note", key="same", payload={})
        second = await enqueue(session, kind="note", key="same", payload={"other": True})

    assert (first, second) == (True, False)
    assert len(await rows(sessions, Job)) == 1


async def test_a_job_runs_and_records_its_outcome_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    kind, runs = recording_kind()
    await queue(sessions, 3)

    handled = await runner(sessions, {"note": kind}).run_once()

    assert handled == 3
    assert runs == Counter({0: 1, 1: 1, 2: 1})
    assert [job.state for job in await rows(sessions, Job)] == [JobState.DONE] * 3
    assert all(job.lease_owner is None and job.finished_at for job in await rows(sessions, Job))
    async with sessions() as session:
        assert len((await session.execute(select(AuditEvent))).scalars().all()) == 3
    assert await runner(sessions, {"note": kind}).run_once() == 0  # nothing runs twice


async def test_failures_back_off_then_park_with_the_reason(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    parked: list[str] = []

    async def handler(run: JobRun) -> None:
        raise RetryLater("TikTok answered HTTP 503")

    async def on_parked(session: AsyncSession, job: Job, context: JobContext) -> None:
        parked.append(job.key)

    kind = JobKind("flaky", handler, max_attempts=3, on_parked=on_parked)
    await queue(sessions, 1, kind="flaky")
    jobs = runner(sessions, {"flaky": kind}, backoff_base=60.0, backoff_cap=600.0)
    before = utcnow()

    assert await jobs.run_once() == 1
    [job] = await rows(sessions, Job)
    assert (job.state, job.attempts, job.lease_owner) == (JobState.PENDING, 1, None)
    assert job.next_attempt_at >= before + dt.timedelta(seconds=48)  # 60 s, less the jitter
    assert await jobs.run_once() == 0  # not due yet
    for attempt in (2, 3):
        async with sessions.begin() as session:
            await session.execute(update(Job).values(next_attempt_at=utcnow()))  # time passes
        assert await jobs.run_once() == 1
        [job] = await rows(sessions, Job)
        assert job.attempts == attempt

    [job] = await rows(sessions, Job)
    assert (job.state, job.attempts, job.last_error) == (JobState.FAILED, 3, "TikTok answered HTTP 503")
    assert parked == ["flaky:0"]


async def test_give_up_parks_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async def handler(run: JobRun) -> None:
        raise GiveUp("TikTok answered an id that isn't one")

    await queue(sessions, 1, kind="bad")
    await runner(sessions, {"bad": JobKind("bad", handler)}).run_once()

    [job] = await rows(sessions, Job)
    assert (job.state, job.attempts) == (JobState.FAILED, 1)


async def test_a_worker_whose_lease_was_taken_over_records_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def handler(run: JobRun) -> None:
        # meanwhile this worker's lease ran out and another replica took the job
        async with run.context.sessions.begin() as session:
            await session.execute(update(Job).values(lease_owner="other-replica"))
        async with run.finish() as session:
            session.add(Workspace(team_id="T0SHOULDNOT"))

    await queue(sessions, 1, kind="slow")
    await runner(sessions, {"slow": JobKind("slow", handler)}).run_once()

    [job] = await rows(sessions, Job)
    assert (job.state, job.lease_owner, job.attempts) == (JobState.PENDING, "other-replica", 0)
    async with sessions() as session:
        assert await workspace_queries.find_workspace(session, team_id="T0SHOULDNOT") is None


async def test_a_live_lease_is_respected_and_an_expired_one_taken_over(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    kind, runs = recording_kind()
    await queue(sessions, 2)
    async with sessions.begin() as session:
        first, second = (await session.execute(select(Job).order_by(col(Job.id)))).scalars().all()
        first.lease_owner, first.lease_expires_at = "dead", utcnow() - dt.timedelta(seconds=1)
        second.lease_owner, second.lease_expires_at = "alive", utcnow() + dt.timedelta(minutes=5)

    assert await runner(sessions, {"note": kind}).run_once() == 1

    assert runs == Counter({0: 1})


async def test_two_workers_run_each_job_once(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    kind, runs = recording_kind()
    await queue(sessions, 30)
    other_engine = create_engine(database_url)
    try:
        workers = [
            runner(sessions, {"note": kind}),
            runner(create_sessionmaker(other_engine), {"note": kind}),
        ]
        for _ in range(20):
            await asyncio.gather(*(worker.run_once() for worker in workers))
    finally:
        await other_engine.dispose()

    assert runs == Counter({n: 1 for n in range(30)})
    assert [job.state for job in await rows(sessions, Job)] == [JobState.DONE] * 30


async def test_a_kind_is_paced_to_its_rate(sessions: async_sessionmaker[AsyncSession]) -> None:
    kind, runs = recording_kind(rate=0.001, burst=2)
    await queue(sessions, 5)

    await runner(sessions, {"note": kind}).run_once()

    assert sum(runs.values()) == 2  # the rest wait for their turn, unclaimed


@pytest.mark.backends("postgres")
async def test_postgres_claims_skip_rows_other_replicas_hold(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    kind, _runs = recording_kind()
    await queue(sessions, 1)
    engine = create_engine(database_url)
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        await runner(create_sessionmaker(engine), {"note": kind}).run_once()
    finally:
        await engine.dispose()

    [claim] = [
        sql for sql in statements if "FROM jobs" in sql and "next_attempt_at <=" in sql and "SELECT" in sql
    ]
    assert "FOR UPDATE SKIP LOCKED" in claim


async def test_jobs_done_a_month_ago_are_pruned_and_parked_ones_kept(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await queue(sessions, 3)
    long_ago = utcnow() - dt.timedelta(days=31)
    async with sessions.begin() as session:
        old_done, recent_done, old_failed = (
            (await session.execute(select(Job).order_by(col(Job.id)))).scalars().all()
        )
        old_done.state, old_done.finished_at = JobState.DONE, long_ago
        recent_done.state, recent_done.finished_at = JobState.DONE, utcnow()
        old_failed.state, old_failed.finished_at = JobState.FAILED, long_ago
    jobs = runner(sessions, {})
    jobs.periodic_jobs = {"prune_jobs": prune_jobs}

    await jobs.run_periodic()

    assert [job.key for job in await rows(sessions, Job)] == ["note:1", "note:2"]
