"""The creator pages' defences: form tokens, rate limits, a body size limit, strict headers."""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

# the browser may do nothing but show this page, its inline styles and https images, and post to us
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

MAX_BODY_BYTES = 8 * 1024  # four short fields and a form token fit many times over
CSRF_MAX_AGE = 4 * 3600  # a creator may keep the page open while they film
CSRF_CLOCK_SKEW = 60


class FormTokens:
    """Stateless form tokens: `timestamp.HMAC(invite token, timestamp)` with a server secret.

    The secret is derived from the Slack signing secret, so every replica agrees without sharing
    state, and a token is only good for the invite link whose page issued it.
    """

    def __init__(self, signing_secret: str, *, clock: Callable[[], float] = time.time) -> None:
        self._key = hmac.new(
            signing_secret.encode(), b"liteproject portal form token v1", hashlib.sha256
        ).digest()
        self._clock = clock

    def _mac(self, invite_token: str, issued: int) -> str:
        message = f"{invite_token}\n{issued}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def issue(self, invite_token: str) -> str:
        issued = int(self._clock())
        return f"{issued}.{self._mac(invite_token, issued)}"

    def check(self, invite_token: str, form_token: str | None) -> bool:
        issued_text, _, mac = (form_token or "").partition(".")
        if not issued_text.isdigit() or len(issued_text) > 12 or not mac:
            return False
        issued = int(issued_text)
        age = self._clock() - issued
        if age > CSRF_MAX_AGE or age < -CSRF_CLOCK_SKEW:
            return False
        return hmac.compare_digest(mac, self._mac(invite_token, issued))


@dataclass
class Limit:
    requests: int
    per_seconds: float


@dataclass
class SlidingWindow:
    """At most `limit.requests` hits per key in any `limit.per_seconds`; in memory, per process.

    Keys are bounded: past `max_keys` the least recently seen key is forgotten.
    """

    limit: Limit
    max_keys: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _hits: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)

    def hit(self, key: str) -> float:
        """Count one request; 0 when allowed, else the seconds until one would be."""
        now = self.clock()
        hits = self._hits.pop(key, None) or deque()
        while hits and hits[0] <= now - self.limit.per_seconds:
            hits.popleft()
        self._hits[key] = hits
        while len(self._hits) > self.max_keys:
            self._hits.popitem(last=False)
        if len(hits) >= self.limit.requests:
            return max(0.001, hits[0] + self.limit.per_seconds - now)
        hits.append(now)
        return 0.0


@dataclass
class RateLimits:
    """Per client address and per invite link; page views and deliveries counted apart."""

    views_per_ip: SlidingWindow = field(default_factory=lambda: SlidingWindow(Limit(60, 60)))
    posts_per_ip: SlidingWindow = field(default_factory=lambda: SlidingWindow(Limit(10, 60)))
    posts_per_token: SlidingWindow = field(default_factory=lambda: SlidingWindow(Limit(30, 60)))

    def check_view(self, ip: str) -> int:
        return _seconds(self.views_per_ip.hit(ip))

    def check_post(self, ip: str, invite_token: str) -> int:
        wait = self.posts_per_ip.hit(ip)
        if wait:
            return _seconds(wait)
        return _seconds(self.posts_per_token.hit(invite_token))


def _seconds(wait: float) -> int:
    return math.ceil(wait) if wait > 0 else 0
