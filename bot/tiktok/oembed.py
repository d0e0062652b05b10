"""TikTok's public oEmbed endpoint (no key): who owns a video, its caption and thumbnail.

`GET <TIKTOK_OEMBED_URL>?url=<link>`; short links are accepted and answer the video id in
`embed_product_id`. A private, removed or unavailable post answers without it (today
`{"status_code":10101,...}`). Only jobs call this, never a request path.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.tiktok.pauses import retry_after

TIMEOUT_SECONDS = 5.0
MAX_ANSWER_BYTES = 256 * 1024


class OEmbedAnswer(BaseModel):
    """The fields of TikTok's answer the app uses (the rest is ignored)."""

    # ids and sizes have come as numbers or strings: take either
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    version: str | None = None
    type: str | None = None
    title: str = ""
    author_url: str | None = None
    author_name: str | None = None
    author_unique_id: str | None = None
    embed_product_id: str | None = None
    embed_type: str | None = None
    thumbnail_url: str | None = None
    thumbnail_width: int | None = None
    thumbnail_height: int | None = None
    provider_name: str | None = None
    status_code: int | None = None
    status_msg: str | None = None

    @property
    def available(self) -> bool:
        return bool(self.embed_product_id)


class OEmbedUnavailable(Exception):
    """TikTok can't answer now (timeout, 5xx, 429, garbled answer): try again later."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass
class OEmbedClient:
    base_url: str
    http: aiohttp.ClientSession
    timeout: float | None = None  # None: TIMEOUT_SECONDS

    async def lookup(self, link: str) -> OEmbedAnswer:
        """TikTok's answer about `link`; raises OEmbedUnavailable when it is worth asking again."""
        try:
            async with self.http.get(
                self.base_url,
                params={"url": link},
                timeout=aiohttp.ClientTimeout(total=self.timeout or TIMEOUT_SECONDS),
                allow_redirects=False,  # nothing is followed off the configured endpoint
                headers={"Accept": "application/json"},
            ) as response:
                if response.status == 429:
                    raise OEmbedUnavailable("TikTok is rate limiting", retry_after=retry_after(response))
                if response.status >= 500 or 300 <= response.status < 400:
                    raise OEmbedUnavailable(f"TikTok answered HTTP {response.status}")
                body = await response.content.read(MAX_ANSWER_BYTES + 1)
                if response.status in (400, 404):
                    # TikTok answers these for links it doesn't (or no longer) know
                    return OEmbedAnswer(status_code=response.status)
                if response.status != 200 or len(body) > MAX_ANSWER_BYTES:
                    raise OEmbedUnavailable(f"TikTok answered HTTP {response.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise OEmbedUnavailable(f"TikTok didn't answer ({type(exc).__name__})") from None
        try:
            return OEmbedAnswer.model_validate_json(body)
        except ValidationError:
            raise OEmbedUnavailable("TikTok's answer wasn't the expected JSON") from None
