"""The one aiohttp application: Slack requests, health checks and the creator pages."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.oauth.async_callback_options import AsyncFailureArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import handlers, metrics, portal
from bot.handlers.errors import guard
from bot.handlers.roles import AdminCache
from bot.health import ReadinessCheck
from bot.http import PooledRespond, SharedHttp
from bot.jobs import kinds as _job_kinds  # noqa: F401 - registers every job kind
from bot.jobs.registry import JobContext
from bot.jobs.runner import JobRunner, JobRunnerConfig
from bot.keys import (
    BOLT_KEY,
    DISPATCHER_KEY,
    ENGINE_KEY,
    JOBS_KEY,
    READINESS_KEY,
    SESSIONS_KEY,
    SETTINGS_KEY,
    WRITER_KEY,
)
from bot.notify.dispatcher import DispatcherConfig, OutboxDispatcher, TokenSource
from bot.notify.scheduler import add_scheduler
from bot.oauth import REDIRECT_PATH, bot_token_for, build_oauth_settings, not_installed_message
from bot.replays import VerifyThenRefuseRepeats
from bot.settings import Settings
from bot.shedding import PAGE_LIMIT_KEY, WORK_LIMIT_KEY, PageLimit, WorkLimit, shed_creator_pages
from bot.slack_auth import patient_authorization
from storage.db import create_engine, create_sessionmaker
from storage.shared import SQLRateLimitStorage
from storage.writer import Writer, writer_for

log = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"
# the surface (command, block_actions, event, …) of the Slack request being dispatched: Bolt
# parses the body once, and the route reads the surface from here for the metrics
_surface: ContextVar[str | None] = ContextVar("slack_surface", default=None)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_slack_client(
    settings: Settings, token: str | None = None, *, retries: bool = True
) -> AsyncWebClient:
    client = AsyncWebClient(token=token, base_url=settings.slack_api_url, timeout=10)
    if not retries:
        # the outbox dispatcher retries on its own terms: a blind resend could post twice
        return client
    # Slack answers 429 with Retry-After under load; the handlers wait and retry for us
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    client.retry_handlers.append(AsyncConnectionErrorRetryHandler(max_retry_count=2))
    client.retry_handlers.append(AsyncServerErrorRetryHandler(max_retry_count=2))
    return client


def create_dispatcher_client(settings: Settings) -> AsyncWebClient:
    """The outbox dispatcher's client: no blind retries (the outbox retries on its own terms).

    In multi-workspace mode it has no token of its own: each call carries the token of the
    workspace its outbox row belongs to (see `dispatcher_tokens`).
    """
    return create_slack_client(
        settings, None if settings.oauth_enabled else settings.slack_bot_token, retries=False
    )


def dispatcher_tokens(settings: Settings, bolt: AsyncApp) -> TokenSource | None:
    """Multi-workspace mode: a workspace's bot token by its ids, from the installation store."""
    store = bolt.installation_store
    if not settings.oauth_enabled or store is None:
        return None

    async def token(team_id: str, enterprise_id: str) -> str | None:
        return await bot_token_for(store, team_id=team_id, enterprise_id=enterprise_id)

    return token


def _guarding(register: Any) -> Any:
    """Bolt's registering decorator, handing it each listener wrapped by `guard`."""

    def wrapped(*functions: Any, **kwargs: Any) -> Any:
        if "ack" in kwargs:
            kwargs["ack"] = guard(kwargs["ack"])
        return register(*[guard(function) for function in functions], **kwargs)

    return wrapped


class GuardedAsyncApp(AsyncApp):
    """Bolt's AsyncApp with every listener wrapped by `guard` (one error path, acks kept), naming
    the surface of each request it dispatches for the metrics.

    Only Bolt's public registering methods are wrapped (`GUARDED_REGISTERS`), so a Bolt upgrade
    can't silently skip it.
    """

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        _surface.set(metrics.slack_surface(req.body))
        return await super().async_dispatch(req)


def _guarded_register(name: str) -> Any:
    register = getattr(AsyncApp, name)

    @functools.wraps(register)
    def guarded(self: AsyncApp, *args: Any, **kwargs: Any) -> Any:
        return _guarding(register(self, *args, **kwargs))

    return guarded


# the registering methods the handlers use; their listeners all run inside `guard`
GUARDED_REGISTERS = ("command", "action", "view", "event", "options", "shortcut")
for _name in GUARDED_REGISTERS:
    setattr(GuardedAsyncApp, _name, _guarded_register(_name))


def create_bolt_app(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    engine: AsyncEngine | None = None,
    *,
    work_limit: WorkLimit | None = None,
    http: SharedHttp | None = None,
    writer: Writer,
) -> AsyncApp:
    if settings.oauth_enabled:
        # multi-workspace: each request runs with the bot token its workspace installed the app with
        assert engine is not None, "OAuth mode keeps installations on the database: pass its engine"
        bolt = GuardedAsyncApp(
            name="liteproject",
            signing_secret=settings.slack_signing_secret,
            client=create_slack_client(settings),
            oauth_settings=build_oauth_settings(settings, engine),
            user_facing_authorize_error_message=not_installed_message(settings),
            **verified_once(settings, writer),
        )
    else:
        bolt = GuardedAsyncApp(
            name="liteproject",
            signing_secret=settings.slack_signing_secret,
            client=create_slack_client(settings, settings.slack_bot_token),
            **verified_once(settings, writer),
        )
        patient_authorization(bolt)

    bolt.middleware(
        ProvideDependencies(
            settings=settings,
            sessions=sessions,
            writer=writer,
            installation_store=bolt.installation_store if settings.oauth_enabled else None,
            work_limit=work_limit,
            http=http,
        )
    )
    handlers.register(bolt)
    return bolt


def verified_once(settings: Settings, writer: Writer) -> dict[str, Any]:
    """Bolt's constructor options that put the replay marks right after Bolt's signature check, in
    the same middleware: Bolt's own check is left out, as this one runs where it ran (the first
    after Bolt's SSL check, before authorization) and answers what it refuses as it did."""
    return {
        "request_verification_enabled": False,
        "before_authorize": VerifyThenRefuseRepeats(settings.slack_signing_secret or "", writer),
    }


class ProvideDependencies(AsyncMiddleware):
    """Settings, sessions, the writer, the admin check and the work limit, into every context.

    A middleware object rather than a function: Bolt calls a function middleware with arguments
    it builds for each request (every payload shape parsed again), which cost more than this does.
    """

    def __init__(
        self,
        *,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        writer: Writer,
        installation_store: AsyncInstallationStore | None,
        work_limit: WorkLimit | None,
        http: SharedHttp | None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.writer = writer
        self.installation_store = installation_store
        self.work_limit = work_limit
        self.http = http
        self.admins = AdminCache()

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        context = req.context
        context["settings"] = self.settings
        context["sessions"] = self.sessions
        context["writer"] = self.writer
        client, user_id = context.client, context.user_id
        if client is not None and user_id:
            context["admin_check"] = self.admins.check_for(client, context.team_id or "", user_id)
        context["installation_store"] = self.installation_store
        context["work_limit"] = self.work_limit
        http = self.http
        if http is not None and http.session is not None and context.response_url:
            context["respond"] = PooledRespond(response_url=context.response_url, session=http.session)
        return await next()


# the modules whose write units the app runs: the SQLite writer's process imports them once
WRITE_UNIT_MODULES = ("bot.services.deliveries", "bot.services.projects", "bot.replays", "storage.shared")


def create_web_app(
    settings: Settings,
    *,
    dispatcher_config: DispatcherConfig | None = None,
    job_config: JobRunnerConfig | None = None,
) -> web.Application:
    # the pool times each wait for a connection (liteproject_db_wait_seconds)
    engine = create_engine(
        settings.database_url, poolclass=metrics.TimedQueuePool, pool_size=settings.database_pool_size
    )
    sessions = create_sessionmaker(engine)
    work_limit = WorkLimit(settings.slack_work_concurrency)
    http = SharedHttp()
    writer = writer_for(engine, on_commit=metrics.WRITE_UNITS_PER_COMMIT.observe, preload=WRITE_UNIT_MODULES)
    bolt = create_bolt_app(settings, sessions, engine, work_limit=work_limit, http=http, writer=writer)
    dispatcher_client = create_dispatcher_client(settings)
    http.clients = (bolt.client, dispatcher_client)
    dispatcher = OutboxDispatcher(
        sessions=sessions,
        client=dispatcher_client,
        tokens=dispatcher_tokens(settings, bolt),
        settings=settings,
        config=dispatcher_config or DispatcherConfig(lease_seconds=settings.outbox_lease_seconds),
    )

    app = web.Application(client_max_size=1024**2, middlewares=[metrics.measure, shed_creator_pages])
    app[WORK_LIMIT_KEY] = work_limit
    app[PAGE_LIMIT_KEY] = PageLimit(settings.creator_page_concurrency)
    app[SETTINGS_KEY] = settings
    app[ENGINE_KEY] = engine
    app[SESSIONS_KEY] = sessions
    app[WRITER_KEY] = writer
    app[BOLT_KEY] = bolt
    app[DISPATCHER_KEY] = dispatcher
    app[READINESS_KEY] = ReadinessCheck(settings.database_url)

    # outside calls (TikTok lookups) run as durable jobs, beside the outbox dispatcher
    jobs = JobRunner(
        context=JobContext(
            sessions=sessions,
            settings=settings,
            on_queued=dispatcher.wake,
            slack=dispatcher.client,
            slack_tokens=dispatcher.tokens,
        ),
        config=job_config,
    )
    app[JOBS_KEY] = jobs

    add_slack_routes(app, bolt)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    # the creator pages' rate limits count in the database, so replicas share them
    portal.setup(app, rate_limit_storage=SQLRateLimitStorage(writer))
    metrics.setup(app, sessions)
    app.on_startup.append(http.start)
    app.on_startup.append(dispatcher.start)
    app.on_startup.append(jobs.start)
    add_scheduler(app, sessions, on_queued=dispatcher.wake)
    # work after the ack finishes first, then sending stops, before the engine goes away
    app.on_cleanup.append(work_limit.finish)
    app.on_cleanup.append(jobs.stop)
    app.on_cleanup.append(dispatcher.stop)
    app.on_cleanup.append(http.close)
    app.on_cleanup.append(_dispose_engine)
    return app


def add_slack_routes(app: web.Application, bolt: AsyncApp) -> None:
    """Bolt's own aiohttp routes (`AsyncApp.web_app`): `POST /slack/events` and, in multi-workspace
    mode, the install pages, with what the app adds around them.

    They are taken into this application rather than mounted as Bolt's: an aiohttp sub-application
    needs a path prefix, and Bolt's handlers answer only their own full paths. Here this app's
    middlewares (metrics, shedding) and its body-size limit apply to them too.
    """
    for route in bolt.web_app(path=SLACK_EVENTS_PATH).router.routes():
        assert route.resource is not None
        path = route.resource.canonical
        handler: Handler = route.handler
        if route.method == "POST":
            handler = _around_events(handler)
        elif path == REDIRECT_PATH and bolt.oauth_flow is not None:
            handler = _around_oauth_redirect(handler, bolt.oauth_flow)
        app.router.add_route(route.method, path, handler)


def _around_events(handler: Handler) -> Handler:
    """What the app adds around Bolt's `POST /slack/events`: the surface Bolt found is kept for the
    metrics. (Replays are refused inside Bolt, right after its signature check: `verified_once`.)"""

    async def slack_events(request: web.Request) -> web.StreamResponse:
        _surface.set(None)
        try:
            return await handler(request)
        finally:
            surface = _surface.get()
            if surface is not None:
                request[metrics.SURFACE] = surface

    return slack_events


def _around_oauth_redirect(handler: Handler, oauth_flow: AsyncOAuthFlow) -> Handler:
    """What the app adds around Bolt's OAuth redirect: when the database or Slack fails
    mid-install, Bolt's failure page (reason `internal_error`), not a bare 500."""

    async def slack_oauth_redirect(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except Exception as exc:
            log.warning("OAuth callback failed: %s", exc.__class__.__name__)
            bolt_response = await oauth_flow.failure_handler(
                AsyncFailureArgs(
                    request=await to_bolt_request(request),
                    reason="internal_error",
                    error=exc,
                    suggested_status_code=500,
                    settings=oauth_flow.settings,
                    default=oauth_flow.default_callback_options,
                )
            )
            return await to_aiohttp_response(bolt_response)

    return slack_oauth_redirect


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def readyz(request: web.Request) -> web.Response:
    readiness = await request.app[READINESS_KEY].check()
    return web.json_response(readiness.as_json(), status=200 if readiness.ok else 503)


async def _dispose_engine(app: web.Application) -> None:
    await app[WRITER_KEY].close()
    await app[READINESS_KEY].close()
    await app[ENGINE_KEY].dispose()
