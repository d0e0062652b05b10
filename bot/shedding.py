"""Bounded work, and a quick refusal past it, instead of queues that grow without end.

Slack: every listener run (the part before the ack and the work after it) takes a slot of
`SLACK_WORK_CONCURRENCY`. When none is free, a slash command is answered at once with a short
"busy, try again" (its person sees that in the ack, well inside Slack's 3 s) instead of joining
a queue it would leave only after Slack gave up on it; buttons, modals and events wait for a slot
in order, as they carry what a person already started. Creator pages: past
`CREATOR_PAGE_CONCURRENCY` requests in progress the page answers 503 with Retry-After.

The defaults come from what a request costs today on two cores: a Slack listener run takes a
few to ~20 ms of the loop and the database, so 64 in progress is about a second of queued work,
well inside Slack's 3 s; a creator's delivery runs at ~100/s on SQLite, so 128 in progress is
about 1.3 s of waiting, which a person at a form accepts, where a longer queue would not be.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot import i18n
from bot.i18n import N_
from bot.metrics import POST_ACK_IN_PROGRESS, SHED
from bot.portal.routes import choose_language, page
from bot.portal.security import SECURITY_HEADERS

CREATOR_PATHS = ("/i/", "/a/")
RETRY_AFTER_SECONDS = 2


class WorkLimit:
    """At most `capacity` runs at once; `full` says whether a newcomer would have to wait."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.in_progress = 0
        self._waiting = 0
        self._slots = asyncio.Semaphore(capacity)
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def full(self) -> bool:
        return self._slots.locked()

    @property
    def waiting(self) -> int:
        """Runs queued for a slot (buttons, modals and events wait; commands are told busy)."""
        return self._waiting

    async def __aenter__(self) -> None:
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        self.in_progress += 1
        self._idle.clear()
        POST_ACK_IN_PROGRESS.inc()

    async def __aexit__(self, *_: object) -> None:
        self.in_progress -= 1
        if not self.in_progress:
            self._idle.set()
        POST_ACK_IN_PROGRESS.dec()
        self._slots.release()

    async def finish(self, _app: object = None, *, timeout: float = 10.0) -> None:
        """At shutdown: let work after the ack finish (it posts through the shared session)."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            pass


class PageLimit:
    """Creator-page requests in progress: a count, as a refused request waits for nothing."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.in_progress = 0


WORK_LIMIT_KEY = web.AppKey("work_limit", WorkLimit)
PAGE_LIMIT_KEY = web.AppKey("page_limit", PageLimit)


BUSY_TITLE = N_("Busy for a moment")
BUSY_MESSAGE = N_(
    "Lots of people are using this page right now, and nothing was sent. Go back with your "
    "browser's Back button (what you typed is still in the form) and send it again in a moment."
)


def busy_page(request: web.Request) -> web.Response:
    choose_language(request)  # refused before the portal's routes run, which would choose it
    response = page(
        "message.html",
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Content-Language": i18n.current().tag},
        title=BUSY_TITLE,
        message=BUSY_MESSAGE,
        back_url=None,
    )
    response.headers.update(SECURITY_HEADERS)
    return response


@web.middleware
async def shed_creator_pages(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if not request.path.startswith(CREATOR_PATHS):
        return await handler(request)
    limit = request.app[PAGE_LIMIT_KEY]
    if limit.in_progress >= limit.capacity:
        SHED.labels(surface="creator_page").inc()
        return busy_page(request)
    limit.in_progress += 1
    try:
        return await handler(request)
    finally:
        limit.in_progress -= 1
