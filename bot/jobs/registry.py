"""Job kinds: adding one is one registration, `@job_kind("name", ...)` on its handler.

A handler gets a `JobRun`. It does its outside call first (no transaction open), then records
what it learnt inside `async with run.finish() as session:`, which also marks the job done in
the same transaction, and only while this worker still holds the job's lease: a job is retried
until it finishes, and what it records is recorded once, across restarts and replicas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from storage import jobs as job_queries
from storage.models import Job, JobState, utcnow


@dataclass
class JobContext:
    """What handlers may use: the database, the settings, one HTTP client, and a way to say
    that they queued notices (so the dispatcher sends them now)."""

    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    on_queued: Callable[[], None] = field(default=lambda: None)
    http: aiohttp.ClientSession | None = None
    # Slack, for jobs that upload files (the outbox carries messages): the dispatcher's client, and
    # a workspace's bot token from (team id, enterprise id) in multi-workspace mode
    slack: AsyncWebClient | None = None
    slack_tokens: Callable[[str, str], Awaitable[str | None]] | None = None

    def client(self) -> aiohttp.ClientSession:
        if self.http is None or self.http.closed:
            self.http = aiohttp.ClientSession()
        return self.http


class RetryLater(Exception):
    """A failure worth retrying (timeouts, 5xx, 429); `retry_after` overrides the backoff."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class GiveUp(Exception):
    """A failure retrying can't fix: the job is parked at once with this reason."""


class LeaseLost(Exception):
    """Another worker took this job over (our lease ran out): it records the outcome, not us."""


Handler = Callable[["JobRun"], Awaitable[None]]
ParkedHook = Callable[[AsyncSession, Job, JobContext], Awaitable[None]]


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    max_attempts: int = 6
    rate: float = 5.0  # jobs of this kind started per second, per process
    burst: int = 5
    # runs in the transaction that parks the job (e.g. send the alert without the lookup)
    on_parked: ParkedHook | None = None


KINDS: dict[str, JobKind] = {}

Periodic = Callable[[AsyncSession, dt.datetime, Settings], Awaitable[int]]
PERIODIC: dict[str, Periodic] = {}


def periodic(name: str) -> Callable[[Periodic], Periodic]:
    """Register a function that queues jobs on a schedule (hourly; job keys make it idempotent)."""

    def register(function: Periodic) -> Periodic:
        PERIODIC[name] = function
        return function

    return register


def job_kind(
    name: str,
    *,
    max_attempts: int = 6,
    rate: float = 5.0,
    burst: int = 5,
    on_parked: ParkedHook | None = None,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        KINDS[name] = JobKind(name, handler, max_attempts, rate, burst, on_parked)
        return handler

    return register


@dataclass
class JobRun:
    """One attempt at one job, as its handler sees it."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int  # failed attempts before this one
    workspace_id: int | None
    context: JobContext
    owner: str
    finished: bool = field(default=False)

    @asynccontextmanager
    async def finish(self) -> AsyncIterator[AsyncSession]:
        """A transaction that records the outcome and marks the job done, if we still own it."""
        async with self.context.sessions.begin() as session:
            job = await job_queries.held_job(session, job_id=self.id, owner=self.owner)
            if job is None:
                raise LeaseLost(f"job {self.id} was taken over")
            yield session
            job.state = JobState.DONE
            job.finished_at = utcnow()
            job.lease_owner = None
            job.lease_expires_at = None
            job.last_error = None
        self.finished = True
