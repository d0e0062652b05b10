"""The creator pages: invite links (`/i/{token}`), linking requests (`/a/{token}`), TikTok connect."""

from aiohttp import web
from limits.aio.storage import Storage

from bot.portal.linking import add_linking_routes
from bot.portal.routes import add_routes
from bot.portal.tiktok import add_tiktok_routes


def setup(app: web.Application, *, rate_limit_storage: Storage) -> None:
    """Add the creator routes to the one aiohttp application (its settings and sessions are set);
    the rate limits count in `rate_limit_storage`."""
    add_routes(app, rate_limit_storage=rate_limit_storage)
    add_linking_routes(app)  # `/a/{token}`: linking requests
    add_tiktok_routes(app)  # `/tiktok/connect`, `/tiktok/oauth`
