"""The fake Slack Web API for benchmarks, run in its own process: `python -m bench.fake_slack`.

It answers like `tests.harness.fake_slack.FakeSlack` (whose answers it reuses) but:
- skips the Block Kit checks (the test suite does those; here they would only steal CPU),
- keeps no call log, only what the benchmark reads back,
- paces `chat.postMessage` per channel with a token bucket (`--rate` per second, `--burst`) and
  answers 429 with Retry-After when a channel goes over it, as Slack does,
- records when each accepted message and each response_url post arrived, for
  `GET /_bench/stats`.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import signal
import time

from aiohttp import web

from tests.harness.fake_slack import BOT_TOKEN, FakeSlack

# the pacer in the app and this bucket read different clocks a network hop apart
JITTER_ALLOWANCE = 0.05  # of a token: a message that arrives up to 50 ms early at 1/s passes


class ChannelBuckets:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._state: dict[str, tuple[float, float]] = {}

    def take(self, channel: str, now: float) -> float:
        """0 when the message may pass, else the seconds until it could."""
        if self.rate <= 0:
            return 0.0
        tokens, at = self._state.get(channel, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        if tokens >= 1.0 - JITTER_ALLOWANCE:
            self._state[channel] = (tokens - 1.0, now)
            return 0.0
        self._state[channel] = (tokens, now)
        return (1.0 - tokens) / self.rate


class BenchSlack(FakeSlack):
    def __init__(self, *, rate: float, burst: int) -> None:
        super().__init__()
        self.buckets = ChannelBuckets(rate, burst)
        self.posts: dict[str, list[float]] = {}  # channel → wall-clock arrival of accepted posts
        self.rate_limited = 0
        self.responds: dict[str, float] = {}  # response_url path id → wall-clock arrival
        self.method_counts: dict[str, int] = {}
        self.respond_count = 0

    async def serve(self, port: int) -> web.AppRunner:
        app = web.Application(client_max_size=50 * 1024**2)
        app.router.add_post("/api/{method}", self._handle)
        app.router.add_post("/commands/{team}/{n}", self._respond)
        app.router.add_post("/actions/{team}/{n}", self._respond)
        app.router.add_get("/_bench/stats", self._stats)
        app.router.add_post("/_bench/reset", self._reset)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/api/"
        return runner

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._read_args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.pop("token", None)
        self.method_counts[method] = self.method_counts.get(method, 0) + 1
        if token != BOT_TOKEN:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "chat.postMessage":
            channel = str(args.get("channel") or "")
            wait = self.buckets.take(channel, time.monotonic())
            if wait:
                self.rate_limited += 1
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )
            self.posts.setdefault(channel, []).append(time.time())
        return web.json_response(self._answer(method, args))

    async def _respond(self, request: web.Request) -> web.Response:
        await request.read()
        self.responds[request.match_info["n"]] = time.time()
        self.respond_count += 1
        return web.Response(text="ok")

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "posts": self.posts,
                "rate_limited": self.rate_limited,
                "responds": self.responds,
                "respond_count": self.respond_count,
                "method_counts": self.method_counts,
            }
        )

    async def _reset(self, request: web.Request) -> web.Response:
        self.posts.clear()
        self.responds.clear()
        self.method_counts.clear()
        self.rate_limited = 0
        self.respond_count = 0
        return web.json_response({"ok": True})


async def _main(port: int, rate: float, burst: int) -> None:
    fake = BenchSlack(rate=rate, burst=burst)
    runner = await fake.serve(port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"fake slack on {fake.url}", flush=True)
    await stop.wait()
    await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fake_slack")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rate", type=float, default=0.0, help="messages/s per channel; 0: unlimited")
    parser.add_argument("--burst", type=int, default=3)
    args = parser.parse_args(argv)
    asyncio.run(_main(args.port, args.rate, args.burst))


if __name__ == "__main__":
    main()
