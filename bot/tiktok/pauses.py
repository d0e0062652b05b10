"""How long TikTok asks a caller to wait: the one reading of its `Retry-After` header."""

from __future__ import annotations

import aiohttp

DEFAULT_PAUSE_SECONDS = 60.0  # no (or a garbled) header: a minute, TikTok's limits being per minute
LONGEST_PAUSE_SECONDS = 3600.0  # a header asking for more is not taken at its word


def retry_after(response: aiohttp.ClientResponse) -> float:
    """Seconds to wait before asking again, from TikTok's answer (between 1 s and an hour)."""
    try:
        seconds = float(response.headers.get("Retry-After", DEFAULT_PAUSE_SECONDS))
    except ValueError:
        return DEFAULT_PAUSE_SECONDS
    return min(max(seconds, 1.0), LONGEST_PAUSE_SECONDS)
