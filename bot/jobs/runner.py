"""The job runner: runs inside `serve` beside the outbox dispatcher, one per replica.

- A due job is claimed by taking its lease with a conditional UPDATE (and read with
  `FOR UPDATE SKIP LOCKED` on PostgreSQL), so two replicas never run one job at once; a job
  whose worker died is claimed again when its lease runs out.
- Failures back off exponentially with jitter; after the kind's `max_attempts` the job is
  parked as failed with the reason (`/liteproject status` shows it, `status retry` re-queues it).
- Each kind is paced to its own rate (a token bucket per kind, per process); a 429 from the
  outside service pauses the kind for its Retry-After.
- Periodic enqueuers (e.g. the daily re-check of videos) run hourly; their job keys carry the
  day, so replicas running them at once queue each job once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import secrets
import socket
from dataclasses import dataclass

from bot.jobs.registry import (
    KINDS,
    PERIODIC,
    GiveUp,
    JobContext,
    JobKind,
    JobRun,
    LeaseLost,
    Periodic,
    RetryLater,
)
from bot.pacing import ChannelPacer
from bot.retry import backoff_delay, finish_or_cancel
from storage import jobs as job_queries
from storage.models import Job, JobState, utcnow

log = logging.getLogger(__name__)


@dataclass
class JobRunnerConfig:
    poll_seconds: float = 1.0
    lease_seconds: float = 60.0
    backoff_base: float = 5.0
    backoff_cap: float = 900.0
    batch_size: int = 20
    concurrency: int = 4
    stop_seconds: float = 10.0
    periodic_seconds: float = 3600.0
    first_periodic_after: float = 60.0


class JobRunner:
    def __init__(
        self,
        *,
        context: JobContext,
        config: JobRunnerConfig | None = None,
        kinds: dict[str, JobKind] | None = None,
        periodic_jobs: dict[str, Periodic] | None = None,
    ) -> None:
        self.context = context
        self.config = config or JobRunnerConfig()
        self.kinds = KINDS if kinds is None else kinds
        self.periodic_jobs = PERIODIC if periodic_jobs is None else periodic_jobs
        self.owner = f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._paces: dict[str, ChannelPacer] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._next_periodic = 0.0

    # --- life cycle (aiohttp on_startup / on_cleanup) --------------------------------------------

    async def start(self, _app: object = None) -> None:
        loop = asyncio.get_running_loop()
        self._next_periodic = loop.time() + self.config.first_periodic_after
        self._task = asyncio.create_task(self._run(), name="job-runner")

    async def stop(self, _app: object = None) -> None:
        """Finish the jobs in progress (their outcome is recorded), then stop."""
        if self._task is not None:
            self._stopping = True
            self._wake.set()
            await finish_or_cancel(self._task, seconds=self.config.stop_seconds)
            self._task = None
        if self.context.http is not None:
            await self.context.http.close()

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping:
            try:
                if self.periodic_jobs and loop.time() >= self._next_periodic:
                    self._next_periodic = loop.time() + self.config.periodic_seconds
                    await self.run_periodic()
                handled = await self.run_once()
            except Exception:  # the loop must outlive a database hiccup; the next round retries
                log.exception("job round failed")
                handled = 0
            if handled or self._stopping:
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.config.poll_seconds)
            except TimeoutError:
                pass

    async def run_periodic(self, now: dt.datetime | None = None) -> int:
        queued = 0
        for name, function in self.periodic_jobs.items():
            try:
                async with self.context.sessions.begin() as session:
                    queued += await function(session, now or utcnow(), self.context.settings)
            except Exception:
                log.exception("periodic job %s failed", name)
        return queued

    def _pace(self, kind: JobKind) -> ChannelPacer:
        pace = self._paces.get(kind.name)
        if pace is None:
            pace = self._paces[kind.name] = ChannelPacer(kind.rate, kind.burst)
        return pace

    # --- one round ----------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim due jobs within each kind's pace, run them, record the outcomes; returns how many."""
        claimed = await self._claim()
        if not claimed:
            return 0
        limit = asyncio.Semaphore(self.config.concurrency)

        async def run(job_id: int, kind: JobKind) -> None:
            async with limit:
                await self._pace(kind).take(kind.name)
                await self._run_job(job_id, kind)

        await asyncio.gather(*(run(job_id, kind) for job_id, kind in claimed))
        return len(claimed)

    async def _claim(self) -> list[tuple[int, JobKind]]:
        if not self.kinds:
            return []
        horizon = self.config.lease_seconds / 4
        taken: dict[str, int] = {}
        claimed: list[tuple[int, JobKind]] = []
        async with self.context.sessions.begin() as session:
            now = utcnow()  # once the transaction has its connection
            until = now + dt.timedelta(seconds=self.config.lease_seconds)
            due = await job_queries.due_job_ids(
                session, kinds=list(self.kinds), now=now, limit=self.config.batch_size
            )
            for job_id, name in due:
                kind = self.kinds[name]
                count = taken.get(name, 0)
                if count >= self._pace(kind).budget(name, horizon):
                    continue  # its turn comes in a later round; claiming it now would outlive the lease
                if await job_queries.take_lease(
                    session, job_id=job_id, owner=self.owner, now=now, until=until
                ):
                    taken[name] = count + 1
                    claimed.append((job_id, kind))
        return claimed

    async def _run_job(self, job_id: int, kind: JobKind) -> None:
        async with self.context.sessions() as session:
            job = await session.get(Job, job_id)
            if job is None:
                return
            run = JobRun(
                id=job_id,
                kind=job.kind,
                key=job.key,
                payload=dict(job.payload),
                attempts=job.attempts,
                workspace_id=job.workspace_id,
                context=self.context,
                owner=self.owner,
            )
        try:
            # a handler must not outlive its lease, or another replica would run the job too
            await asyncio.wait_for(kind.handler(run), timeout=self.config.lease_seconds / 2)
            if not run.finished:
                async with run.finish():
                    pass
        except LeaseLost:
            log.info("job %s (%s) was taken over by another worker", job_id, kind.name)
        except RetryLater as exc:
            if exc.retry_after:
                self._pace(kind).pause(kind.name, exc.retry_after)
            await self._failed(run, kind, str(exc), retry_after=exc.retry_after)
        except GiveUp as exc:
            await self._failed(run, kind, str(exc), park=True)
        except TimeoutError:
            await self._failed(run, kind, "timed out")
        except Exception as exc:
            log.exception("job %s (%s) failed", job_id, kind.name)
            await self._failed(run, kind, f"internal error ({type(exc).__name__})")

    async def _failed(
        self, run: JobRun, kind: JobKind, reason: str, *, retry_after: float | None = None, park: bool = False
    ) -> None:
        async with self.context.sessions.begin() as session:
            job = await job_queries.held_job(session, job_id=run.id, owner=self.owner)
            if job is None:
                return  # taken over: the new owner records the outcome
            job.attempts += 1
            job.last_error = reason[:500]
            job.lease_owner = None
            job.lease_expires_at = None
            if park or job.attempts >= kind.max_attempts:
                job.state = JobState.FAILED
                job.finished_at = utcnow()
                log.warning(
                    "job %s (%s) parked after %s attempts: %s", job.id, kind.name, job.attempts, reason
                )
                if kind.on_parked is not None:
                    await kind.on_parked(session, job, self.context)
                return
            delay = retry_after or backoff_delay(
                job.attempts, base=self.config.backoff_base, cap=self.config.backoff_cap
            )
            job.next_attempt_at = utcnow() + dt.timedelta(seconds=delay)
