"""Connecting a workspace to TikTok: the OAuth flow behind App Home's *Connect* button.

1. App Home's button opens `PUBLIC_BASE_URL/tiktok/connect?kind=…&w=…&u=…&exp=…&sig=…`, a link
   signed for one Slack user of one workspace (it works for a day: App Home is redrawn often).
2. That route stores a one-time state tied to the user, workspace and kind (ten minutes), and
   sends the browser to TikTok's authorization page with it.
3. TikTok sends the browser back to `PUBLIC_BASE_URL/tiktok/oauth?auth_code=…&state=…`: the state
   is used up, the code exchanged for a token, and the connection stored (encrypted).

Each kind of connection is one `OAuthFlow` in `FLOWS` (its authorization page and its code
exchange); the rest of the flow is shared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

import aiohttp
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import connections
from bot.settings import Settings
from bot.tiktok import tiktok_one
from bot.tiktok.business_api import ApiModel, BusinessApiClient
from storage import connections as connection_queries
from storage.models import TikTokConnectionKind, utcnow

CONNECT_PATH = "/tiktok/connect"
REDIRECT_PATH = "/tiktok/oauth"
LINK_SECONDS = 24 * 3600
STATE_SECONDS = 600


@dataclass(frozen=True)
class Grant:
    access_token: str
    account_ids: list[str]
    refresh_token: str | None = None


class OAuthFlow(Protocol):
    def authorize_url(self, settings: Settings, *, state: str, redirect_uri: str) -> str: ...

    async def exchange(self, http: aiohttp.ClientSession, settings: Settings, *, code: str) -> Grant: ...


class _BusinessToken(ApiModel):
    access_token: str = Field(min_length=1)
    advertiser_ids: list[str] = Field(default_factory=list)


class BusinessFlow:
    """TikTok API for Business's advertiser authorization."""

    def authorize_url(self, settings: Settings, *, state: str, redirect_uri: str) -> str:
        query = urlencode({"app_id": settings.tiktok_app_id, "state": state, "redirect_uri": redirect_uri})
        return f"{settings.tiktok_business_api_url}/portal/auth?{query}"

    async def exchange(self, http: aiohttp.ClientSession, settings: Settings, *, code: str) -> Grant:
        client = BusinessApiClient(http, None, settings.tiktok_business_api_url)
        token = await client.post(
            "oauth2/access_token/",
            {"app_id": settings.tiktok_app_id, "secret": settings.tiktok_app_secret, "auth_code": code},
            _BusinessToken,
        )
        return Grant(token.access_token, [str(advertiser) for advertiser in token.advertiser_ids])


class TikTokOneFlow:
    """TikTok One's authorization (`tt_user` OAuth), then the TikTok One accounts the app may use.

    The accounts come from `GET /tto/oauth2/tcm/`; the first one is the workspace's account until
    someone picks another in App Home. Paths and fields live in `bot.tiktok.tiktok_one`.
    """

    def authorize_url(self, settings: Settings, *, state: str, redirect_uri: str) -> str:
        query = urlencode(
            {"app_id": settings.tiktok_app_id, "state": state, "redirect_uri": redirect_uri, "scope": "tto"}
        )
        return f"{settings.tiktok_business_api_url}/portal/auth?{query}"

    async def exchange(self, http: aiohttp.ClientSession, settings: Settings, *, code: str) -> Grant:
        assert settings.tiktok_app_id is not None and settings.tiktok_app_secret is not None
        api = tiktok_one.TikTokOneApi(BusinessApiClient(http, None, settings.tiktok_business_api_url))
        token = await api.exchange_code(
            tiktok_one.TokenRequest(
                client_id=settings.tiktok_app_id, client_secret=settings.tiktok_app_secret, auth_code=code
            )
        )
        api = tiktok_one.TikTokOneApi(
            BusinessApiClient(http, token.access_token, settings.tiktok_business_api_url)
        )
        accounts = await api.accounts(app_id=settings.tiktok_app_id, secret=settings.tiktok_app_secret)
        return Grant(token.access_token, list(accounts.tto_tcm_account_ids), token.refresh_token)


FLOWS: dict[TikTokConnectionKind, OAuthFlow] = {
    TikTokConnectionKind.BUSINESS: BusinessFlow(),
    TikTokConnectionKind.TIKTOK_ONE: TikTokOneFlow(),
}


class ConnectRefused(Exception):
    """The link or state is not (or no longer) valid; the message is for the person."""


def _signature(settings: Settings, message: str) -> str:
    key = hashlib.sha256(b"tiktok-connect:" + settings.encryption_secret.encode()).digest()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def connect_link(
    settings: Settings,
    *,
    workspace_id: int,
    user_id: str,
    kind: TikTokConnectionKind,
    now: float | None = None,
) -> str:
    """The signed link App Home's *Connect* button opens."""
    expires = int((now if now is not None else time.time()) + LINK_SECONDS)
    message = f"{kind.value}:{workspace_id}:{user_id}:{expires}"
    query = urlencode(
        {
            "kind": kind.value,
            "w": workspace_id,
            "u": user_id,
            "exp": expires,
            "sig": _signature(settings, message),
        }
    )
    return f"{settings.public_base_url}{CONNECT_PATH}?{query}"


async def begin(session: AsyncSession, *, settings: Settings, query: dict[str, str]) -> str:
    """Check a connect link and store its one-time state; returns TikTok's authorization URL."""
    try:
        kind = TikTokConnectionKind(query.get("kind", ""))
        workspace_id = int(query.get("w", ""))
        expires = int(query.get("exp", ""))
    except ValueError:
        raise ConnectRefused(
            "This connect link is incomplete. Open liteproject's Home tab and press Connect again."
        ) from None
    user_id = query.get("u", "")
    message = f"{kind.value}:{workspace_id}:{user_id}:{expires}"
    if not hmac.compare_digest(_signature(settings, message), query.get("sig", "")):
        raise ConnectRefused(
            "This connect link isn't valid. Open liteproject's Home tab and press Connect again."
        )
    if expires < time.time():
        raise ConnectRefused(
            "This connect link has expired. Open liteproject's Home tab and press Connect again."
        )
    flow = FLOWS.get(kind)
    if flow is None or not settings.tiktok_connect_enabled:
        raise ConnectRefused("Connecting to TikTok isn't set up on this liteproject server.")
    now = utcnow()
    await connection_queries.prune_oauth_states(session, now=now)
    state = secrets.token_urlsafe(32)
    connection_queries.add_oauth_state(
        session,
        state=state,
        workspace_id=workspace_id,
        user_id=user_id,
        kind=kind,
        expires_at=now + dt.timedelta(seconds=STATE_SECONDS),
    )
    return flow.authorize_url(
        settings, state=state, redirect_uri=f"{settings.public_base_url}{REDIRECT_PATH}"
    )


@dataclass(frozen=True)
class Connected:
    kind: TikTokConnectionKind
    account_ids: list[str]


async def claim_state(session: AsyncSession, *, state: str) -> tuple[TikTokConnectionKind, int, str]:
    """Use up the state TikTok sent back: (kind, workspace id, user id) of who began the flow."""
    row = await connection_queries.consume_oauth_state(session, state=state, now=utcnow())
    if row is None:
        raise ConnectRefused(
            "This connection attempt has expired or was already used. Press Connect again in liteproject's Home tab."
        )
    return row.kind, row.workspace_id, row.user_id


async def finish(
    session: AsyncSession,
    *,
    settings: Settings,
    http: aiohttp.ClientSession,
    kind: TikTokConnectionKind,
    workspace_id: int,
    user_id: str,
    code: str,
) -> Connected:
    """Exchange TikTok's code and store the connection (raises the client's errors as they come)."""
    grant = await FLOWS[kind].exchange(http, settings, code=code)
    await connections.connect(
        session,
        settings=settings,
        workspace_id=workspace_id,
        kind=kind,
        access_token=grant.access_token,
        account_ids=grant.account_ids,
        refresh_token=grant.refresh_token,
        connected_by=user_id,
    )
    if kind is TikTokConnectionKind.BUSINESS:
        from bot.services.spark_checks import queue_unchecked  # it imports the job registry

        await queue_unchecked(session, workspace_id=workspace_id)
    if kind is TikTokConnectionKind.TIKTOK_ONE:
        from bot.services.tiktok_one_assets import on_account_changed  # it imports the job registry

        await on_account_changed(session, workspace_id=workspace_id, key=f"connect-{secrets.token_hex(4)}")
    return Connected(kind, grant.account_ids)
