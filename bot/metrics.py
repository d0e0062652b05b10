"""`GET /metrics`: what the process is doing, in Prometheus' text format (prometheus-client).

Metrics are process-wide (prometheus-client's default registry, which also carries the
`process_*` and `python_gc_*` families). Latency is measured by one aiohttp middleware; the
Slack surface of a request (command, block_actions, view_submission, options, event…) is put
on the request by the Slack route once Bolt has parsed the body. Queue depths are read at
scrape time by hooks: the outbox's is one indexed query; another durable queue adds its own
hook with `add_scrape_hook` or sets `JOB_QUEUE_DEPTH` itself with `set_job_queue_depth`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlmodel import col

from storage.jobs import pending_job_counts
from storage.models import OutboxMessage, OutboxStatus, utcnow

# from a cached answer (~1 ms) to Slack's 3 s deadline and past it
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram(
    "liteproject_http_request_seconds",
    "Time to answer an HTTP request, by route (the pattern, not the path) and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
REQUESTS = Counter(
    "liteproject_http_requests_total",
    "HTTP requests answered, by route, method and status code.",
    ["route", "method", "status"],
)
SLACK_SECONDS = Histogram(
    "liteproject_slack_request_seconds",
    "Time to answer (ack) a request from Slack, by surface.",
    ["surface"],
    buckets=LATENCY_BUCKETS,
)
SHED = Counter(
    "liteproject_shed_requests_total",
    "Requests refused because the process was at capacity (Slack: busy answer; creator pages: 503).",
    ["surface"],
)
POST_ACK_IN_PROGRESS = Gauge(
    "liteproject_slack_work_in_progress", "Slack listener runs in progress (before and after their ack)."
)
DB_WAIT_SECONDS = Histogram(
    "liteproject_db_wait_seconds",
    "Time spent waiting for a database connection from the pool (on SQLite: for the one connection,"
    " which is the write lock).",
    ["backend"],
    buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0),
)
WRITE_UNITS_PER_COMMIT = Histogram(
    "liteproject_write_units_per_commit",
    "Write units (a delivery, a replay mark, a rate-limit hit) committed together by the SQLite writer.",
    buckets=(1, 2, 4, 8, 16, 32, 64),
)
OUTBOX_BACKLOG = Gauge("liteproject_outbox_backlog", "Outbox messages waiting to be sent (pending rows).")
OUTBOX_OLDEST_SECONDS = Gauge(
    "liteproject_outbox_oldest_age_seconds", "Age of the oldest outbox message still waiting (0 when none)."
)
JOB_QUEUE_DEPTH = Gauge("liteproject_job_queue_depth", "Durable jobs waiting, by kind.", ["kind"])

SURFACE = web.RequestKey("slack_surface", str)  # set by the Slack route once Bolt parsed the body
ScrapeHook = Callable[[async_sessionmaker[AsyncSession]], Awaitable[None]]
SCRAPE_HOOKS_KEY = web.AppKey("metrics_scrape_hooks", list[ScrapeHook])


# the payload types Slack sends; a body is named before its signature is checked, so any other
# type is counted as "other" (a forged body must not add a series, which is memory kept for good)
SLACK_KINDS = frozenset(
    {
        "block_actions",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "interactive_message",
        "dialog_submission",
        "dialog_suggestion",
        "dialog_cancellation",
        "url_verification",
        "app_rate_limited",
        "workflow_step_edit",
    }
)


def slack_surface(body: dict[str, Any]) -> str:
    """command, block_actions, view_submission, block_suggestion (options), event, …"""
    if body.get("command"):
        return "command"
    kind = body.get("type")
    if not kind:
        return "unknown"
    if kind == "event_callback":
        return "event"
    if kind == "block_suggestion":
        return "options"
    return kind if kind in SLACK_KINDS else "other"


def set_job_queue_depth(kind: str, depth: int) -> None:
    """For a durable job queue: how many jobs of `kind` wait (call it from a scrape hook)."""
    JOB_QUEUE_DEPTH.labels(kind=kind).set(depth)


def add_scrape_hook(app: web.Application, hook: ScrapeHook) -> None:
    """Run `hook(sessions)` before each scrape, e.g. to read a queue's depth in one query."""
    app[SCRAPE_HOOKS_KEY].append(hook)


@web.middleware
async def measure(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Latency per route (and per Slack surface on the Slack route), and answers by status."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        elapsed = time.perf_counter() - started
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "unmatched"
        _request_seconds(route, request.method).observe(elapsed)
        _requests(route, request.method, status).inc()
        surface = request.get(SURFACE)
        if surface is not None:
            _slack_seconds(surface).observe(elapsed)


# each request's series, looked up once: `labels()` checks and joins its labels on every call.
# Routes, methods, statuses and surfaces are few (a path that matches no route is "unmatched").
@functools.lru_cache(maxsize=1024)
def _request_seconds(route: str, method: str) -> Any:
    return REQUEST_SECONDS.labels(route=route, method=method)


@functools.lru_cache(maxsize=1024)
def _requests(route: str, method: str, status: int) -> Any:
    return REQUESTS.labels(route=route, method=method, status=str(status))


@functools.lru_cache(maxsize=1024)
def _slack_seconds(surface: str) -> Any:
    return SLACK_SECONDS.labels(surface=surface)


async def outbox_backlog(sessions: async_sessionmaker[AsyncSession]) -> None:
    """One query on the outbox's (status, next_attempt_at) index: how many wait, since when."""
    query = select(func.count(), func.min(OutboxMessage.created_at)).where(
        col(OutboxMessage.status) == OutboxStatus.PENDING
    )
    async with sessions() as session:
        count, oldest = (await session.execute(query)).one()
    OUTBOX_BACKLOG.set(count)
    if oldest is not None and oldest.tzinfo is None:  # SQLite hands back naive UTC from an aggregate
        oldest = oldest.replace(tzinfo=utcnow().tzinfo)
    OUTBOX_OLDEST_SECONDS.set(max(0.0, (utcnow() - oldest).total_seconds()) if oldest else 0.0)


async def job_backlog(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The durable jobs waiting, by kind: one grouped count on the jobs table."""
    async with sessions() as session:
        counts = await pending_job_counts(session)
    for kind in set(counts) | {labels[0] for labels in _seen_job_kinds}:
        set_job_queue_depth(kind, counts.get(kind, 0))
    _seen_job_kinds.update((kind,) for kind in counts)


_seen_job_kinds: set[tuple[str]] = set()  # kinds reported before: a drained queue reads 0, not stale


def setup(app: web.Application, sessions: async_sessionmaker[AsyncSession]) -> None:
    hooks: list[ScrapeHook] = [outbox_backlog, job_backlog]
    app[SCRAPE_HOOKS_KEY] = hooks

    async def metrics(request: web.Request) -> web.Response:
        for hook in request.app[SCRAPE_HOOKS_KEY]:
            await hook(sessions)
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/metrics", metrics)


class TimedQueuePool(AsyncAdaptedQueuePool):
    """SQLAlchemy's async queue pool, timing how long each checkout waits for a connection."""

    def _do_get(self) -> Any:
        started = time.perf_counter()
        try:
            return super()._do_get()
        finally:
            _db_wait_seconds(getattr(self._dialect, "name", "unknown")).observe(time.perf_counter() - started)


@functools.lru_cache(maxsize=8)
def _db_wait_seconds(backend: str) -> Any:
    return DB_WAIT_SECONDS.labels(backend=backend)
