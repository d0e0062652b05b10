"""Events API listeners, one module each; the manifest subscribes to exactly these events."""

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.handlers.events.app_home_opened import publish_home_on_open
from bot.handlers.events.app_uninstalled import forget_uninstalled_workspace
from bot.handlers.events.link_shared import unfurl_links
from bot.handlers.events.tokens_revoked import forget_revoked_tokens

LISTENERS: dict[str, Callable[..., Any]] = {
    "app_home_opened": publish_home_on_open,
    "app_uninstalled": forget_uninstalled_workspace,
    "tokens_revoked": forget_revoked_tokens,
    "link_shared": unfurl_links,
}


def register(app: AsyncApp) -> None:
    for event_type, listener in LISTENERS.items():
        app.event(event_type)(listener)
