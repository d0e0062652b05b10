"""The one aiohttp application: Slack requests, health checks and (later) the creator portal."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import handlers, metrics, portal
from bot.handlers.errors import guard
from bot.handlers.roles import AdminCache
from bot.http import PooledRespond, SharedHttp
from bot.notify.dispatcher import DispatcherConfig, OutboxDispatcher
from bot.notify.scheduler import add_scheduler
from bot.oauth import (
    INSTALL_PATH,
    REDIRECT_PATH,
    WorkspaceTokenClient,
    build_oauth_settings,
    not_installed_message,
)
from bot.settings import Settings
from bot.shedding import PAGE_LIMIT_KEY, WORK_LIMIT_KEY, PageLimit, WorkLimit, shed_creator_pages
from storage.db import create_engine, create_sessionmaker

log = logging.getLogger(__name__)

SETTINGS_KEY = web.AppKey("settings", Settings)
ENGINE_KEY = web.AppKey("engine", AsyncEngine)
SESSIONS_KEY = web.AppKey("sessions", async_sessionmaker[AsyncSession])
BOLT_KEY = web.AppKey("bolt", AsyncApp)
DISPATCHER_KEY = web.AppKey("dispatcher", OutboxDispatcher)


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


def create_dispatcher_client(
    settings: Settings, bolt: AsyncApp, sessions: async_sessionmaker[AsyncSession]
) -> AsyncWebClient:
    """The notification sender's client: no blind retries (the outbox retries on its own terms).

    In multi-workspace mode each call carries the bot token of the workspace it sends to.
    """
    if settings.oauth_enabled and bolt.installation_store is not None:
        return WorkspaceTokenClient(
            installation_store=bolt.installation_store,
            sessions=sessions,
            base_url=settings.slack_api_url,
            timeout=10,
        )
    return create_slack_client(settings, settings.slack_bot_token, retries=False)


class GuardedAsyncApp(AsyncApp):
    """Bolt's AsyncApp with every listener wrapped by `guard` (one error path, acks kept)."""

    def _register_listener(self, functions: Any, *rest: Any, **kwargs: Any) -> Any:
        return super()._register_listener([guard(function) for function in functions], *rest, **kwargs)


def create_bolt_app(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    engine: AsyncEngine | None = None,
    *,
    work_limit: WorkLimit | None = None,
    http: SharedHttp | None = None,
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
        )
    else:
        bolt = GuardedAsyncApp(
            name="liteproject",
            signing_secret=settings.slack_signing_secret,
            client=create_slack_client(settings, settings.slack_bot_token),
        )

    admins = AdminCache()

    @bolt.middleware
    async def provide_dependencies(context, next):  # type: ignore[no-untyped-def]
        context["settings"] = settings
        context["sessions"] = sessions
        if context.client is not None and context.user_id:
            context["admin_check"] = admins.check_for(context.client, context.team_id or "", context.user_id)
        context["installation_store"] = bolt.installation_store if settings.oauth_enabled else None
        context["work_limit"] = work_limit
        if http is not None and http.session is not None and context.response_url:
            context["respond"] = PooledRespond(response_url=context.response_url, session=http.session)
        return await next()

    handlers.register(bolt)
    return bolt


def create_web_app(
    settings: Settings, *, dispatcher_config: DispatcherConfig | None = None
) -> web.Application:
    # the pool times each wait for a connection (liteproject_db_wait_seconds)
    engine = create_engine(settings.database_url, poolclass=metrics.TimedQueuePool)
    sessions = create_sessionmaker(engine)
    work_limit = WorkLimit(settings.slack_work_concurrency)
    http = SharedHttp()
    bolt = create_bolt_app(settings, sessions, engine, work_limit=work_limit, http=http)
    dispatcher_client = create_dispatcher_client(settings, bolt, sessions)
    http.clients = (bolt.client, dispatcher_client)
    dispatcher = OutboxDispatcher(
        sessions=sessions,
        client=dispatcher_client,
        settings=settings,
        config=dispatcher_config or DispatcherConfig(lease_seconds=settings.outbox_lease_seconds),
    )

    app = web.Application(client_max_size=1024**2, middlewares=[metrics.measure, shed_creator_pages])
    app[WORK_LIMIT_KEY] = work_limit
    app[PAGE_LIMIT_KEY] = PageLimit(settings.creator_page_concurrency)
    app[SETTINGS_KEY] = settings
    app[ENGINE_KEY] = engine
    app[SESSIONS_KEY] = sessions
    app[BOLT_KEY] = bolt
    app[DISPATCHER_KEY] = dispatcher

    async def slack_events(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        request[metrics.SURFACE] = metrics.slack_surface(bolt_request.body)
        bolt_response = await bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    app.router.add_post("/slack/events", slack_events)
    if bolt.oauth_flow is not None:
        oauth_flow = bolt.oauth_flow

        async def slack_install(request: web.Request) -> web.Response:
            bolt_response = await oauth_flow.handle_installation(await to_bolt_request(request))
            return await to_aiohttp_response(bolt_response)

        async def slack_oauth_redirect(request: web.Request) -> web.Response:
            bolt_response = await oauth_flow.handle_callback(await to_bolt_request(request))
            return await to_aiohttp_response(bolt_response)

        app.router.add_get(INSTALL_PATH, slack_install)
        app.router.add_get(REDIRECT_PATH, slack_oauth_redirect)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    portal.setup(app)
    metrics.setup(app, sessions)
    app.on_startup.append(http.start)
    app.on_startup.append(dispatcher.start)
    add_scheduler(app, sessions, on_queued=dispatcher.wake)
    # work after the ack finishes first, then sending stops, before the engine goes away
    app.on_cleanup.append(work_limit.finish)
    app.on_cleanup.append(dispatcher.stop)
    app.on_cleanup.append(http.close)
    app.on_cleanup.append(_dispose_engine)
    return app


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def readyz(request: web.Request) -> web.Response:
    try:
        async with request.app[ENGINE_KEY].connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness check failed: %s", exc)
        return web.json_response({"ok": False, "database": "unreachable"}, status=503)
    return web.json_response({"ok": True, "database": "ok"})


async def _dispose_engine(app: web.Application) -> None:
    await app[ENGINE_KEY].dispose()
