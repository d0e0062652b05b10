"""Buttons and selects (block_actions), one module per area; each has `register(app)`."""

from slack_bolt.async_app import AsyncApp

from bot.handlers.actions import (
    ads_manager,
    assets,
    connections,
    history,
    home,
    new_code,
    performance,
    projects,
    start,
    video_pages,
    videos,
)


def register(app: AsyncApp) -> None:
    projects.register(app)
    assets.register(app)
    videos.register(app)
    video_pages.register(app)
    home.register(app)
    history.register(app)
    start.register(app)
    connections.register(app)
    performance.register(app)
    ads_manager.register(app)
    new_code.register(app)
