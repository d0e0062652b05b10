"""`python -m bench.serve_open serve …`: `liteproject serve` with the portal's rate limits lifted.

The creator pages allow 10 deliveries a minute per client address and 30 per invite link. A load
generator on loopback is one address, so with the limits in place the delivery benchmark would
measure the 429 page. The limiter still runs (and costs what it costs); only its ceilings are
raised. Nothing else differs from `python -m bot serve`.
"""

from __future__ import annotations

import sys

from bot import cli
from bot.portal import routes
from bot.portal.security import Limit, RateLimits, SlidingWindow

OPEN = Limit(requests=10**9, per_seconds=1.0)


def open_limits() -> RateLimits:
    return RateLimits(
        views_per_ip=SlidingWindow(OPEN),
        posts_per_ip=SlidingWindow(OPEN),
        posts_per_token=SlidingWindow(OPEN),
    )


if __name__ == "__main__":
    routes.RateLimits = open_limits  # type: ignore[misc,assignment]
    sys.exit(cli.main(sys.argv[1:]))
