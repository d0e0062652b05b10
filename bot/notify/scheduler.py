"""The daily job's scheduler: runs inside `serve`, next to the outbox dispatcher.

It calls `reminders.run_daily` soon after start and then every `every_seconds`; the job is
idempotent (each reminder has its dedup key, each video its marks), so running it hourly keeps
reminders on time across restarts and replicas without sending anything twice. The clock is
injected, so tests move time instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import reminders
from bot.services.reminders import ReminderRun
from storage.models import utcnow

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


class ReminderScheduler:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock = utcnow,
        on_queued: Callable[[], None] | None = None,
        first_run_after: float = 60.0,
        every_seconds: float = 3600.0,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.on_queued = on_queued
        self.first_run_after = first_run_after
        self.every_seconds = every_seconds
        self._task: asyncio.Task[None] | None = None

    # --- life cycle (aiohttp on_startup / on_cleanup) --------------------------------------------

    async def start(self, _app: object = None) -> None:
        self._task = asyncio.create_task(self._loop(), name="reminder-scheduler")

    async def stop(self, _app: object = None) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        await asyncio.sleep(self.first_run_after)
        while True:
            try:
                await self.run_once()
            except Exception:  # a bad run is logged; the next one tries again
                log.exception("the daily reminder job failed")
            await asyncio.sleep(self.every_seconds)

    async def run_once(self, now: dt.datetime | None = None) -> ReminderRun:
        """One run of the daily job at `now` (default: the clock), in one transaction."""
        async with self.sessions.begin() as session:
            run = await reminders.run_daily(session, now=now or self.clock())
        if run.queued and self.on_queued is not None:
            self.on_queued()  # send now rather than at the dispatcher's next poll
        return run


SCHEDULER_KEY = web.AppKey("reminder_scheduler", ReminderScheduler)


def add_scheduler(
    app: web.Application, sessions: async_sessionmaker[AsyncSession], *, on_queued: Callable[[], None]
) -> ReminderScheduler:
    """Create the scheduler and start/stop it with the application."""
    scheduler = ReminderScheduler(sessions=sessions, on_queued=on_queued)
    app[SCHEDULER_KEY] = scheduler
    app.on_startup.append(scheduler.start)
    app.on_cleanup.append(scheduler.stop)
    return scheduler
