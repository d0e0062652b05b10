"""Pacing: a token bucket per key, for whatever must not go faster than a given rate.

The outbox dispatcher paces each Slack channel (about one message a second, a 429 pausing that
channel); the job runner paces each job kind to its `rate` and `burst`.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict


class ChannelPacer:
    """A token bucket per channel, and a pause per channel after a 429."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # channel → (tokens, at)
        self._paused_until: dict[str, float] = {}

    def _tokens(self, channel: str, now: float) -> float:
        tokens, at = self._buckets.get(channel, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) * self.rate)

    def budget(self, channel: str, horizon: float) -> int:
        """How many messages the channel may take within `horizon` seconds from now."""
        now = time.monotonic()
        if self._paused_until.get(channel, 0.0) > now:
            return 0
        return max(1, int(self._tokens(channel, now) + horizon * self.rate))

    async def take(self, channel: str) -> None:
        while True:
            now = time.monotonic()
            wait = self._paused_until.get(channel, 0.0) - now
            tokens = self._tokens(channel, now)
            if wait <= 0 and tokens >= 1.0:
                self._buckets[channel] = (tokens - 1.0, now)
                self._buckets.move_to_end(channel)
                while len(self._buckets) > 10_000:  # forget the least recently used channels
                    self._buckets.popitem(last=False)
                return
            await asyncio.sleep(max(wait, (1.0 - tokens) / self.rate, 0.001))

    def pause(self, channel: str, seconds: float) -> None:
        self._paused_until[channel] = max(self._paused_until.get(channel, 0.0), time.monotonic() + seconds)
