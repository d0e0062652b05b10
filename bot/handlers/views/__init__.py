"""Modal submissions (view_submission), one module per area; each has `register(app)`."""

from slack_bolt.async_app import AsyncApp

from bot.handlers.views import assets, linking, projects


def register(app: AsyncApp) -> None:
    projects.register(app)
    assets.register(app)
    linking.register(app)
