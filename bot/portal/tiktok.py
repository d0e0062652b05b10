"""`GET /tiktok/connect` and `GET /tiktok/oauth`: the browser side of connecting TikTok (thin)."""

from __future__ import annotations

import logging
import time

from aiohttp import web
from pydantic import ValidationError

from bot.blocks.connections import service_name
from bot.keys import DISPATCHER_KEY, JOBS_KEY, SESSIONS_KEY, SETTINGS_KEY
from bot.portal.routes import page, with_headers
from bot.services import tiktok_oauth, tiktok_one_sync
from bot.services.tiktok_oauth import CONNECT_PATH, REDIRECT_PATH, ConnectRefused
from bot.tiktok.business_api import BusinessApiUnavailable, TikTokApiError
from bot.tiktok.tiktok_one import TcmVideosWebhook

log = logging.getLogger(__name__)

WEBHOOK_MAX_BYTES = 64 * 1024


def add_tiktok_routes(app: web.Application) -> None:
    settings = app[SETTINGS_KEY]
    sessions = app[SESSIONS_KEY]

    async def connect(request: web.Request) -> web.StreamResponse:
        try:
            async with sessions.begin() as session:
                target = await tiktok_oauth.begin(session, settings=settings, query=dict(request.query))
        except ConnectRefused as exc:
            return _message("Can't connect", str(exc), status=400)
        raise web.HTTPFound(target)

    async def oauth(request: web.Request) -> web.StreamResponse:
        code = request.query.get("auth_code") or request.query.get("code") or ""
        state = request.query.get("state", "")
        try:
            async with sessions.begin() as session:
                kind, workspace_id, user_id = await tiktok_oauth.claim_state(session, state=state)
        except ConnectRefused as exc:
            return _message("Can't connect", str(exc), status=400)
        name = service_name(kind.value)
        if not code:
            return _message(
                "Not connected",
                f"{name} wasn't connected (the authorization was cancelled). "
                "Press Connect again in liteproject's Home tab to try again.",
                status=400,
            )
        try:
            async with sessions.begin() as session:
                connected = await tiktok_oauth.finish(
                    session,
                    settings=settings,
                    http=request.app[JOBS_KEY].context.client(),
                    kind=kind,
                    workspace_id=workspace_id,
                    user_id=user_id,
                    code=code,
                )
        except TikTokApiError:
            # the code and request id are in the log (the client wrote them); people get words
            return _message(
                "Not connected",
                f"TikTok didn't accept this authorization, so {name} isn't connected. "
                "Press Connect again in liteproject's Home tab to try again.",
                status=400,
            )
        except BusinessApiUnavailable as exc:
            log.warning("TikTok connect: code exchange failed (%s)", exc)
            return _message(
                "Not connected",
                f"TikTok couldn't be reached, so {name} isn't connected yet. "
                "Press Connect again in liteproject's Home tab in a minute.",
                status=502,
            )
        accounts = len(connected.account_ids)
        reach = (
            f" The connection can act for {accounts} Ads Manager account{'s' if accounts != 1 else ''}."
            if kind.value == "business"
            else f" Projects you create now live in TikTok One account {connected.account_ids[0]}."
            if connected.account_ids
            else " TikTok listed no TikTok One account for this login: connect with an account that has one."
        )
        return _message(
            "Connected",
            f"{name} is connected to liteproject.{reach} You can close this page and go back to Slack.",
            status=200,
        )

    async def webhook(request: web.Request) -> web.StreamResponse:
        """TikTok One's TCM_VIDEOS webhook: videos linked to a campaign, stored and alerted once."""
        secret = settings.tiktok_webhook_secret
        if secret is None:
            return web.json_response({"error": "webhook not set up"}, status=404)
        if (request.content_length or 0) > WEBHOOK_MAX_BYTES:
            return web.json_response({"error": "too large"}, status=413)
        body = await request.content.read(WEBHOOK_MAX_BYTES + 1)
        if len(body) > WEBHOOK_MAX_BYTES:
            return web.json_response({"error": "too large"}, status=413)
        header = request.headers.get(tiktok_one_sync.SIGNATURE_HEADER)
        if not tiktok_one_sync.webhook_signature_valid(secret, header, body, now=time.time()):
            return web.json_response({"error": "bad signature"}, status=401)
        try:
            event = TcmVideosWebhook.model_validate_json(body)
        except ValidationError:
            return web.json_response({"error": "not a TCM_VIDEOS event"}, status=400)
        if event.entity != "TCM_VIDEOS":
            return web.json_response({"ignored": event.entity[:40]}, status=200)
        async with sessions.begin() as session:
            new = await tiktok_one_sync.receive_webhook(session, settings=settings, event=event)
        if new:
            request.app[DISPATCHER_KEY].wake()
            request.app[JOBS_KEY].wake()
        return web.json_response({"new_videos": new}, status=200)

    app.router.add_post(tiktok_one_sync.WEBHOOK_PATH, webhook)
    app.router.add_get(CONNECT_PATH, with_headers(connect))
    app.router.add_get(REDIRECT_PATH, with_headers(oauth))


def _message(title: str, message: str, *, status: int) -> web.Response:
    return page("message.html", status=status, title=title, message=message, back_url=None)
