"""The keys of what the one aiohttp application holds (see `bot/app.py:create_web_app`).

A module of their own, so that the application and the routes it serves (the creator pages)
both import them at the top, with no import cycle between `bot.app` and `bot.portal`.
"""

from __future__ import annotations

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.health import ReadinessCheck
from bot.jobs.runner import JobRunner
from bot.notify.dispatcher import OutboxDispatcher
from bot.settings import Settings
from storage.writer import Writer

SETTINGS_KEY = web.AppKey("settings", Settings)
ENGINE_KEY = web.AppKey("engine", AsyncEngine)
SESSIONS_KEY = web.AppKey("sessions", async_sessionmaker[AsyncSession])
BOLT_KEY = web.AppKey("bolt", AsyncApp)
DISPATCHER_KEY = web.AppKey("dispatcher", OutboxDispatcher)
READINESS_KEY = web.AppKey("readiness", ReadinessCheck)
JOBS_KEY = web.AppKey("jobs", JobRunner)
# write units (deliveries, replay marks, rate-limit hits): committed in groups on SQLite
WRITER_KEY = web.AppKey("writer", Writer)
