"""Whether the person behind a request is a workspace admin or owner, asked of Slack lazily."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

CACHE_SECONDS = 300.0


class AdminCache:
    """users.info answers per (team, user), kept a few minutes: roles rarely change mid-task."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], tuple[float, bool]] = {}

    def check_for(self, client: AsyncWebClient, team_id: str, user_id: str) -> Callable[[], Awaitable[bool]]:
        async def is_admin() -> bool:
            key = (team_id, user_id)
            known = self._known.get(key)
            if known is not None and known[0] > time.monotonic():
                return known[1]
            try:
                user = (await client.users_info(user=user_id)).get("user") or {}
            except SlackApiError:
                return False  # unknown means no extra rights; the person is told whom to ask
            admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[key] = (time.monotonic() + CACHE_SECONDS, admin)
            return admin

        return is_admin
