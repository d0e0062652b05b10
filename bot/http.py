"""One pooled aiohttp session for every call to Slack: Web API calls and response_url posts.

Without it slack_sdk opens (and closes) a session, and a connection, per call. The session is
made when the app starts (it needs the running loop) and closed after the dispatcher stops.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient


class SharedHttp:
    def __init__(self, *clients: AsyncWebClient) -> None:
        self.clients: tuple[AsyncWebClient, ...] = clients
        self.session: aiohttp.ClientSession | None = None

    async def start(self, _app: web.Application) -> None:
        # slack_sdk's own timeouts apply per call; the pool keeps connections open between them
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100, limit_per_host=50))
        for client in self.clients:
            client.session = self.session

    async def close(self, _app: web.Application) -> None:
        if self.session is not None:
            for client in self.clients:
                client.session = None
            await self.session.close()
            self.session = None


class PooledRespond(AsyncRespond):
    """Bolt's `respond()` posting through the shared session."""

    def __init__(self, *, response_url: str | None, session: aiohttp.ClientSession) -> None:
        super().__init__(response_url=response_url)
        self.session = session

    async def __call__(self, text: str | dict[str, Any] = "", **fields: Any) -> WebhookResponse:  # type: ignore[override]
        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        message = _build_message(**text) if isinstance(text, dict) else _build_message(text=text, **fields)
        webhook = AsyncWebhookClient(url=self.response_url, session=self.session)
        return await webhook.send_dict(message)
