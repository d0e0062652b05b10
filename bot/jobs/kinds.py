"""Every job kind and periodic enqueuer: importing this registers them with the runner."""

from bot.services import video_lookups  # noqa: F401
