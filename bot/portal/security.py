"""The creator pages' defences: form tokens, rate limits, a body size limit, strict headers."""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter

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


class RateLimits:
    """The creator pages' budgets, per minute, shared by every replica through the database.

    `limits`' fixed-window strategy on `storage.shared.SQLRateLimitStorage`: one upsert per
    counted request. Page views and posts count per client address; posts to a link count
    against that link only once they carry a form token its page issued, so junk posts (or
    posts to made-up links) can spend their sender's budget but never close a real link.
    A ceiling of 0 means no limit.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        views_per_client: int,
        posts_per_client: int,
        posts_per_link: int,
    ) -> None:
        self.limiter = FixedWindowRateLimiter(storage)
        self.views_per_client = _per_minute(views_per_client)
        self.posts_per_client = _per_minute(posts_per_client)
        self.posts_per_link = _per_minute(posts_per_link)

    async def check_view(self, client: str) -> int:
        return await self._hit(self.views_per_client, "view", client)

    async def check_post(self, client: str) -> int:
        return await self._hit(self.posts_per_client, "post", client)

    async def check_link(self, link_token: str) -> int:
        return await self._hit(self.posts_per_link, "link", link_token)

    async def _hit(self, item: RateLimitItem | None, kind: str, key: str) -> int:
        """0 when allowed, else the whole seconds until the window ends."""
        if item is None:
            return 0
        # hashed: keys stay short whatever a client sends, and no address is stored in clear
        digest = hashlib.sha256(key.encode()).hexdigest()[:40]
        if await self.limiter.hit(item, kind, digest):
            return 0
        stats = await self.limiter.get_window_stats(item, kind, digest)
        return max(1, math.ceil(stats.reset_time - time.time()))


def _per_minute(amount: int) -> RateLimitItem | None:
    return RateLimitItemPerMinute(amount) if amount > 0 else None


def client_address(
    peer: str | None, forwarded_for: list[str], trusted: Sequence[IPv4Network | IPv6Network]
) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy.

    Behind trusted proxies it is the right-most `X-Forwarded-For` entry that is not itself a
    trusted proxy: each proxy appends the address it was connected from, so entries to the left
    of that one were written by the client and prove nothing (a forged one must not buy a fresh
    budget).
    """
    if not peer or not _is_trusted(peer, trusted):
        return peer or "unknown"
    entries = [entry.strip() for header in forwarded_for for entry in header.split(",")]
    entries = [entry for entry in entries if entry]
    for entry in reversed(entries):
        if not _is_trusted(entry, trusted):
            return entry
    return entries[0] if entries else peer


def _is_trusted(address: str, trusted: Sequence[IPv4Network | IPv6Network]) -> bool:
    try:
        ip = ip_address(address.strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in trusted)
