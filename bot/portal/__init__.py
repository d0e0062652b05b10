"""The creator pages behind invite links (`/i/{token}`)."""

from aiohttp import web


def setup(app: web.Application) -> None:
    """Add the creator routes to the one aiohttp application (its settings and sessions are set)."""
    from bot.portal.routes import add_routes  # bot.app imports this package: import late

    add_routes(app)
    from bot.portal.linking import add_linking_routes  # `/a/{token}`: linking requests

    add_linking_routes(app)
    from bot.portal.tiktok import add_tiktok_routes  # `/tiktok/connect`, `/tiktok/oauth`

    add_tiktok_routes(app)
