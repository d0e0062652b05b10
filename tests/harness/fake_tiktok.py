"""A local fake of TikTok's oEmbed endpoint: answers like TikTok, records calls, fails on demand.

Videos are registered with their owner and caption; short links map to a video id. An unknown or
removed video answers `{"status_code":10101,...}` with HTTP 200, as TikTok does. `script` queues
failures (slow, 5xx, 429) for the next calls.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.tiktok.urls import TikTokUrlError, parse_video_url

UNAVAILABLE = {"status_code": 10101, "status_msg": "Something went wrong"}


@dataclass
class FakeVideo:
    video_id: str
    owner: str
    title: str
    removed: bool = False


@dataclass
class Failure:
    status: int = 503
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class FakeTikTok:
    def __init__(self) -> None:
        self.videos: dict[str, FakeVideo] = {}
        self.short_links: dict[str, str] = {}  # normalised short link → video id
        self.calls: list[str] = []  # the `url` asked about, in order
        self._failures: deque[Failure] = deque()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/oembed", self._oembed)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/oembed"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests ask of it -----------------------------------------------------------------

    def add_video(self, video_id: str, *, owner: str, title: str = "My morning routine ✨") -> FakeVideo:
        video = self.videos[video_id] = FakeVideo(video_id, owner, title)
        return video

    def add_short_link(self, link: str, video_id: str) -> None:
        self.short_links[parse_video_url(link).url] = video_id

    def remove(self, video_id: str) -> None:
        self.videos[video_id].removed = True

    def fail(self, *failures: Failure) -> None:
        """Answer the next calls with these failures, in order, then as usual."""
        self._failures.extend(failures)

    def recover(self) -> None:
        """Forget the failures still queued: TikTok answers normally again."""
        self._failures.clear()

    def slow(self, seconds: float, *, times: int = 1) -> None:
        self.fail(*[Failure(status=200, delay=seconds) for _ in range(times)])

    def server_error(self, *, times: int = 1, status: int = 503) -> None:
        self.fail(*[Failure(status=status) for _ in range(times)])

    def rate_limit(self, *, retry_after: int = 1, times: int = 1) -> None:
        self.fail(*[Failure(status=429, headers={"Retry-After": str(retry_after)}) for _ in range(times)])

    def calls_about(self, video_id: str) -> int:
        return sum(1 for url in self.calls if video_id in url or self.short_links.get(url) == video_id)

    # --- the endpoint -------------------------------------------------------------------------

    async def _oembed(self, request: web.Request) -> web.Response:
        asked = request.query.get("url", "")
        self.calls.append(asked)
        if self._failures:
            failure = self._failures.popleft()
            if failure.delay:
                await asyncio.sleep(failure.delay)
            if failure.status != 200:
                return web.json_response({"message": "error"}, status=failure.status, headers=failure.headers)
        return web.json_response(self.answer(asked))

    def answer(self, asked: str) -> dict[str, Any]:
        try:
            link = parse_video_url(asked)
        except TikTokUrlError:
            return UNAVAILABLE
        video_id = link.video_id or self.short_links.get(link.url)
        video = self.videos.get(video_id or "")
        if video is None or video.removed:
            return UNAVAILABLE
        host = urlsplit(self.url).netloc
        return {
            "version": "1.0",
            "type": "video",
            "title": video.title,
            "author_url": f"https://www.tiktok.com/@{video.owner}",
            "author_name": video.owner.title(),
            "width": "100%",
            "height": "100%",
            "html": f'<blockquote class="tiktok-embed" data-video-id="{video.video_id}"></blockquote>',
            "thumbnail_width": 576,
            "thumbnail_height": 1024,
            "thumbnail_url": f"https://p16-sign.tiktokcdn-us.com/obj/{video.video_id}.jpeg?x-expires=1&h={host}",
            "provider_url": "https://www.tiktok.com",
            "provider_name": "TikTok",
            "author_unique_id": video.owner,
            "embed_product_id": video.video_id,
            "embed_type": "video",
        }
