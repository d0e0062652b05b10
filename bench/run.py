"""The benchmark: real server processes, a fake Slack process, load from another process."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench import payloads, procs, seed
from bench.load import Load, pick_loader
from bench.procs import Child
from tests.harness.fake_slack import BOT_TOKEN
from tests.harness.slack_requests import SIGNING_SECRET, SlackRequests

RESULTS = Path(__file__).with_name("results.json")
LISTING_MARK = "Lite projects"  # in the listing's first block
SCENARIOS = (
    "baseline_aiohttp",
    "baseline_bolt",
    "slash_list",
    "create",
    "delivery_sqlite",
    "delivery_pg",
    "notifications",
    "growth",
)
CHANNELS = 20
PROJECTS = 200
CREATES_PER_SECOND = 3_000  # more submissions than the server answers, so none is sent twice
LISTS_PER_SECOND = 6_000  # likewise for `list` (bare Bolt acks 2,000-4,500 a second here)
DELIVERIES_PER_SECOND = 6_000  # likewise for deliveries (2,000-2,600 a second on SQLite here)
REPEATED_VIDEOS = 400  # videos the repeat figure sends again and again


@dataclass
class Sizes:
    duration: float  # seconds of measured load per figure
    warmup: float
    outbox_rows: int
    growth: tuple[int, ...]
    probes: int  # sequential `list` round trips per growth size


QUICK = Sizes(duration=1, warmup=0, outbox_rows=CHANNELS * 4, growth=(100, 1_000), probes=5)
DEFAULT = Sizes(duration=10, warmup=2, outbox_rows=CHANNELS * 60, growth=(1_000, 10_000, 100_000), probes=100)
FULL = Sizes(duration=20, warmup=3, outbox_rows=10_000, growth=(1_000, 10_000, 100_000), probes=200)


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.sizes = QUICK if args.quick else FULL if args.full else DEFAULT
        self.workdir = workdir
        self.loader = pick_loader(args.loader)
        # a smoke run only proves the path works: fewer connections leave less backlog to wait for
        self.connections = args.connections or (10 if args.quick else 50)
        self.load = Load(self.loader, workdir, connections=self.connections)
        self.results: dict[str, Any] = {}
        self.children: list[Child] = []
        self.projects = 20 if args.quick else PROJECTS  # invite links the deliveries spread over

    # --- processes ------------------------------------------------------------------------------

    def spawn(self, name: str, args: list[str], *, env: dict[str, str] | None = None, port: int = 0) -> Child:
        child = procs.start(name, args, workdir=self.workdir, env=env or procs.child_env(), port=port)
        self.children.append(child)
        return child

    def stop(self, *children: Child) -> None:
        for child in children:
            child.stop()
            if child in self.children:
                self.children.remove(child)

    def stop_all(self) -> None:
        self.stop(*list(self.children))

    def fake_slack(self, *, rate: float = 0.0, burst: int = 3) -> Child:
        port = procs.free_port()
        args = ["-m", "bench.fake_slack", "--port", str(port), "--rate", str(rate), "--burst", str(burst)]
        child = self.spawn(f"fake-slack-{port}", args, port=port)
        procs.wait_until_up(child, "/_bench/stats")
        return child

    def app_env(self, database_url: str, fake: Child, port: int) -> dict[str, str]:
        return procs.child_env(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": f"{fake.url}/api/",
                "DATABASE_URL": database_url,
                "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                "HOST": "127.0.0.1",
                "PORT": str(port),
                "LOG_LEVEL": "WARNING",
                "TIKTOK_OEMBED_URL": "",  # the benchmark measures the app, not TikTok
            }
        )

    def migrate(self, database_url: str, fake: Child) -> None:
        env = self.app_env(database_url, fake, procs.free_port())
        procs.run_checked(["-m", "bot", "db", "upgrade"], workdir=self.workdir, env=env)

    def server(self, database_url: str, fake: Child, *, open_limits: bool = False) -> Child:
        """`python -m bot serve --no-migrate` (migrations ran first), up and ready."""
        port = procs.free_port()
        module = "bench.serve_open" if open_limits else "bot"
        child = self.spawn(
            f"server-{port}",
            ["-m", module, "serve", "--no-migrate"],
            env=self.app_env(database_url, fake, port),
            port=port,
        )
        procs.wait_until_up(child, "/readyz")
        return child

    def sqlite_db(self, name: str, fake: Child) -> str:
        """A fresh, migrated SQLite file (migrated once, then copied: migrating takes seconds)."""
        template = self.workdir / "migrated.template"
        if not template.exists():
            self.migrate(f"sqlite+aiosqlite:///{template}", fake)
        shutil.copyfile(template, self.workdir / f"{name}.db")
        return f"sqlite+aiosqlite:///{self.workdir / name}.db"

    # --- measuring ------------------------------------------------------------------------------

    def warm(self, name: str, requests: list[bytes], ports: list[int]) -> None:
        if self.sizes.warmup:
            self.load.run(f"{name}-warmup", requests, ports, self.sizes.warmup)

    def measure(
        self, name: str, requests: list[bytes], ports: list[int], *, warm: bool = True
    ) -> dict[str, Any]:
        if warm:
            self.warm(name, requests, ports)
        return dict(self.load.run(name, requests, ports, self.sizes.duration))

    # --- scenarios ------------------------------------------------------------------------------

    def baseline_aiohttp(self) -> dict[str, Any]:
        port = procs.free_port()
        bare = self.spawn("bare-aiohttp", ["-m", "bench.bare", "aiohttp", "--port", str(port)], port=port)
        try:
            procs.wait_until_up(bare, "/hello")
            like = payloads.delivery_requests(port, ["x" * 32], 1)[0]
            return self.measure("baseline_aiohttp", payloads.bare_requests(port, like), [port])
        finally:
            self.stop(bare)

    def baseline_bolt(self) -> dict[str, Any]:
        fake = self.fake_slack()
        port = procs.free_port()
        args = ["-m", "bench.bare", "bolt", "--port", str(port), "--slack-api-url", f"{fake.url}/api/"]
        bare = self.spawn("bare-bolt", args, port=port)
        try:
            procs.wait_until_up(bare, "/slack/events", method="POST")
            requests = payloads.command_requests(port, "list", 500, response_url_base=fake.url)
            return self.measure("baseline_bolt", requests, [port])
        finally:
            self.stop(bare, fake)

    def slash_and_create(self) -> None:
        """`/liteproject list` with 200 projects, then `project_create` submissions, one server."""
        wanted = [name for name in ("slash_list", "create") if self.selected(name)]
        if not wanted:
            return
        fake = self.fake_slack()
        url = self.sqlite_db("slash", fake)
        seeded = asyncio.run(seed.seed_projects(url, PROJECTS))
        server = self.server(url, fake)
        try:
            if "slash_list" in wanted:
                self.results["slash_list"] = self.run_step(
                    "slash_list", lambda: self.slash_list(server, fake)
                )
            if "create" in wanted:
                self.results["create"] = self.run_step("create", lambda: self.create(server, url, seeded))
        finally:
            self.stop(server, fake)

    def slash_list(self, server: Child, fake: Child) -> dict[str, Any]:
        # each command once, as for create: a signed request sent again is a replay (401)
        count = int(LISTS_PER_SECOND * self.sizes.duration)
        requests = payloads.command_requests(
            server.port,
            "list",
            count + int(LISTS_PER_SECOND * self.sizes.warmup) + 1,
            response_url_base=fake.url,
        )
        measured, warming = requests[:count], requests[count:]
        first = asyncio.run(post_raw(server.port, warming[0]))
        assert first[0] == 200, f"list answered {first}"
        in_ack = LISTING_MARK in first[1]  # the listing is the ack itself, or comes to response_url
        self.warm("slash_list", warming[1:], [server.port])
        settle(lambda: fake_stats(fake)["respond_count"])
        before, shed_before = fake_stats(fake)["respond_count"], server_metrics(server.port)["shed"]
        figures = self.measure("slash_list", measured, [server.port], warm=False)
        figures["listing_in_ack"] = in_ack
        if in_ack:
            # every 2xx ack carries the listing, except the "busy" answers of shed commands
            time.sleep(0.5)  # anything posted after the acks would show up here
            figures["listings_posted"] = fake_stats(fake)["respond_count"] - before
            figures["listings_drained_after_s"] = 0.0
            shed = server_metrics(server.port)["shed"] - shed_before
            figures["shed"] = shed
            complete = figures["requests"] - figures["non_2xx"] - shed
            figures["complete_rps"] = round(complete / figures["seconds"], 1)
        else:
            # the listing itself is posted to response_url after the ack: wait for that backlog
            drained_in, responded = wait_for_count(
                lambda: fake_stats(fake)["respond_count"] - before, figures["requests"], 120
            )
            figures["listings_posted"] = responded
            figures["listings_drained_after_s"] = drained_in
            spent = figures["seconds"] + (drained_in if drained_in is not None else 120)
            figures["complete_rps"] = round(responded / spent, 1)
        figures["server"] = server_metrics(server.port)
        return figures

    def create(self, server: Child, url: str, seeded: seed.Seeded) -> dict[str, Any]:
        # each submission once: a signed request sent again is refused as a replay (401), which
        # would count a cheap refusal as a create; the warm-up has submissions of its own
        count = int(CREATES_PER_SECOND * self.sizes.duration)
        requests = payloads.create_requests(
            server.port, seeded.assets, count + int(CREATES_PER_SECOND * self.sizes.warmup) + 1
        )
        measured, warming = requests[:count], requests[count:]
        status, body = asyncio.run(post_raw(server.port, warming[0]))
        assert status == 200 and '"response_action":"update"' in body.replace(" ", ""), body[:300]
        self.warm("create", warming[1:], [server.port])
        if self.sizes.warmup:
            quiet([server.port])
        before = asyncio.run(seed.count_projects(url))
        figures = self.measure("create", measured, [server.port], warm=False)
        figures["projects_written"] = asyncio.run(seed.count_projects(url)) - before
        figures["server"] = server_metrics(server.port)
        return figures

    def delivery_sqlite(self) -> dict[str, Any]:
        fake = self.fake_slack()
        url = self.sqlite_db("delivery", fake)
        try:
            seeded = asyncio.run(seed.seed_projects(url, self.projects))
            server = self.server(url, fake, open_limits=True)
            try:
                figures = self.delivery(url, seeded, [server])
                figures["repeats"] = self.repeats(server, seeded)
                return figures
            finally:
                self.stop(server)
        finally:
            self.stop(fake)

    def delivery(
        self, url: str, seeded: seed.Seeded, servers: list[Child], *, first: int = 0
    ) -> dict[str, Any]:
        # every delivery a new video, the warm-up's too: more than the server can take in the time.
        # (With too few, the load generator starts over and sends repeats, which take another path:
        # 40,000 in all ran out at 2,000 a second.)
        measured = int(DELIVERIES_PER_SECOND * self.sizes.duration)
        count = measured + int(DELIVERIES_PER_SECOND * self.sizes.warmup) + 1
        requests = payloads.delivery_requests(servers[0].port, seeded.tokens, count, first=first)
        status, body = asyncio.run(post_raw(servers[0].port, requests[-1]))
        assert status == 200, f"delivery answered {status}: {body[:300]}"
        name, ports = f"delivery-{len(servers)}-{first}", [server.port for server in servers]
        self.warm(name, requests[measured:-1], ports)
        if self.sizes.warmup:
            quiet(ports)
        before = asyncio.run(seed.count_videos(url))
        figures = self.measure(name, requests[:measured], ports, warm=False)
        figures["videos_written"] = asyncio.run(seed.count_videos(url)) - before
        figures["rss_mb"] = [procs.memory_mb(server.pid).get("rss_mb") for server in servers]
        figures["server"] = [server_metrics(server.port) for server in servers]
        return figures

    def repeats(self, server: Child, seeded: seed.Seeded) -> dict[str, Any]:
        """Videos delivered again by their creators with nothing new (a page sent twice, a refresh),
        after the measured load: each answered from the stored video."""
        requests = payloads.delivery_requests(server.port, seeded.tokens, REPEATED_VIDEOS)
        self.load.run("repeats-first", requests, [server.port], 1)  # each stored once
        quiet([server.port])
        return self.measure("repeats", requests, [server.port])

    def delivery_pg(self) -> dict[str, Any]:
        base = self.args.postgres_url
        if not base:
            return {
                "skipped": "no PostgreSQL URL: set LITEPROJECT_BENCH_POSTGRES_URL or pass --postgres-url "
                "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
            }
        name = f"liteproject_bench_{os.getpid()}_{secrets.token_hex(3)}"
        try:
            url = asyncio.run(create_database(base, name))
        except Exception as exc:  # unreachable or refused: the rest of the run still counts
            return {"skipped": f"PostgreSQL at {redact(base)} unreachable ({exc.__class__.__name__}: {exc})"}
        fake = self.fake_slack()
        try:
            self.migrate(url, fake)
            seeded = asyncio.run(seed.seed_projects(url, PROJECTS))
            one = self.server(url, fake, open_limits=True)
            try:
                single = self.delivery(url, seeded, [one])
            finally:
                self.stop(one)
            pair = [self.server(url, fake, open_limits=True), self.server(url, fake, open_limits=True)]
            try:
                # other videos than the first figure's
                double = self.delivery(url, seeded, pair, first=1_000_000)
            finally:
                self.stop(*pair)
            return {
                "database": f"fresh database {name} (dropped after)",
                "one_replica": single,
                "two_replicas": double,
                "scaling": ratio(double["rps"], single["rps"]),
            }
        finally:
            self.stop(fake)
            asyncio.run(drop_database(base, name))

    def notifications(self) -> dict[str, Any]:
        rows = self.sizes.outbox_rows
        rate, burst = 1.0, 3
        fake = self.fake_slack(rate=rate, burst=burst)
        url = self.sqlite_db("outbox", fake)
        try:
            seeded = asyncio.run(seed.seed_projects(url, 1))
            channels = asyncio.run(seed.add_outbox(url, seeded, rows=rows, channels=CHANNELS))
            per_channel = rows / len(channels)
            at_bound = (per_channel - burst) / rate
            started = time.time()
            server = self.server(url, fake)
            try:
                limit = at_bound * 1.5 + 60
                _, posted = wait_for_count(
                    lambda: sum(map(len, fake_stats(fake)["posts"].values())), rows, limit
                )
                stats = fake_stats(fake)
            finally:
                self.stop(server)
        finally:
            self.stop(fake)
        return outbox_figures(stats, rows, channels, rate, burst, at_bound, started, posted)

    def growth(self) -> dict[str, Any]:
        fake = self.fake_slack()
        url = self.sqlite_db("growth", fake)
        sizes: dict[str, Any] = {}
        try:
            seeded = asyncio.run(seed.seed_projects(url, PROJECTS))
            for size in self.sizes.growth:
                insert_s = asyncio.run(seed.add_videos(url, seeded, upto=size))
                server = self.server(url, fake)
                try:
                    probe = asyncio.run(list_round_trips(server.port, fake.url, self.sizes.probes))
                    memory = procs.memory_mb(server.pid)
                    requests = payloads.command_requests(server.port, "list", 500, response_url_base=fake.url)
                    burst = self.load.run(
                        f"growth-{size}", requests, [server.port], min(3, self.sizes.duration)
                    )
                    time.sleep(0.5)
                    after = procs.memory_mb(server.pid)
                finally:
                    self.stop(server)
                sizes[str(size)] = {
                    "videos": size,
                    "insert_s": round(insert_s, 1),
                    **probe,
                    "ack_under_load": burst,
                    "rss_mb": memory.get("rss_mb"),
                    "rss_after_load_mb": after.get("rss_mb"),
                    "peak_rss_mb": after.get("peak_rss_mb"),
                }
        finally:
            self.stop(fake)
        first, last = sizes[str(self.sizes.growth[0])], sizes[str(self.sizes.growth[-1])]
        return {
            "sizes": sizes,
            "rss_growth_mb": round((last["rss_mb"] or 0) - (first["rss_mb"] or 0), 1),
            "list_p50_growth": ratio(last["list_p50_ms"], first["list_p50_ms"]),
        }

    # --- driver ---------------------------------------------------------------------------------

    def selected(self, name: str) -> bool:
        return not self.args.only or name in self.args.only

    def run_step(self, name: str, step: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        print(f"· {name} …", flush=True)
        began = time.monotonic()
        try:
            result = step()
        except Exception as exc:
            result = {"error": f"{exc.__class__.__name__}: {exc}"[:2000]}
        result["wall_s"] = round(time.monotonic() - began, 1)
        return result

    def run(self) -> dict[str, Any]:
        steps: dict[str, Callable[[], dict[str, Any]]] = {
            "baseline_aiohttp": self.baseline_aiohttp,
            "baseline_bolt": self.baseline_bolt,
        }
        for name, step in steps.items():
            if self.selected(name):
                self.results[name] = self.run_step(name, step)
        self.slash_and_create()
        more: dict[str, Callable[[], dict[str, Any]]] = {
            "delivery_sqlite": self.delivery_sqlite,
            "delivery_pg": self.delivery_pg,
            "notifications": self.notifications,
            "growth": self.growth,
        }
        for name, step in more.items():
            if self.selected(name):
                self.results[name] = self.run_step(name, step)
        return self.results


# --- helpers ------------------------------------------------------------------------------------


def ratio(value: float | None, base: float | None) -> float | None:
    return round(value / base, 2) if value and base else None


def redact(url: str) -> str:
    head, at, tail = url.rpartition("@")
    return f"{head.split('//')[0]}//…@{tail}" if at else url


def fake_stats(fake: Child) -> dict[str, Any]:
    with urllib.request.urlopen(f"{fake.url}/_bench/stats", timeout=10) as response:
        stats: dict[str, Any] = json.loads(response.read())
    stats["respond_count"] = stats.get("respond_count", len(stats.get("responds", {})))
    return stats


def settle(read: Callable[[], int], quiet: float = 1.0, limit: float = 60.0) -> None:
    """Wait until `read()` stops changing for `quiet` seconds (bounded by `limit`)."""
    began = time.monotonic()
    last, since = read(), time.monotonic()
    while time.monotonic() - began < limit and time.monotonic() - since < quiet:
        time.sleep(0.2)
        value = read()
        if value != last:
            last, since = value, time.monotonic()


def wait_for_count(read: Callable[[], int], wanted: int, limit: float) -> tuple[float | None, int]:
    """Poll until `read()` reaches `wanted` (or stops moving for 5 s, or `limit` s pass)."""
    began = time.monotonic()
    last, last_change = -1, began
    while True:
        now = time.monotonic()
        value = read()
        if value >= wanted:
            return round(now - began, 2), value
        if value != last:
            last, last_change = value, now
        if now - began > limit or now - last_change > 5:
            return None, value
        time.sleep(0.25)


async def post_raw(port: int, raw: bytes) -> tuple[int, str]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    method, path, _ = lines[0].split(" ")
    headers = dict(
        line.split(": ", 1) for line in lines[1:] if not line.startswith(("Host", "Content-Length"))
    )
    async with aiohttp.ClientSession() as session:
        async with session.request(method, f"http://127.0.0.1:{port}{path}", data=body, headers=headers) as r:
            return r.status, await r.text()


async def list_round_trips(port: int, fake_url: str, count: int) -> dict[str, Any]:
    """Sequential `/liteproject list`: the ack, and the listing's arrival at response_url."""
    slack = SlackRequests(f"http://127.0.0.1:{port}/slack/events")
    slack.response_url_base = fake_url
    acks: list[float] = []
    sent: dict[str, float] = {}
    in_ack = False
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{fake_url}/_bench/reset") as response:
            assert response.status == 200
        for n in range(count + 5):
            body = slack.command_body("list")
            key = body.split("%2Fcommands%2F", 1)[1].split("&", 1)[0].split("%2F")[-1]
            ts = int(time.time())
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": payloads.sign(body, ts),
            }
            began = time.time()
            async with session.post(slack.events_url, data=body.encode(), headers=headers) as response:
                in_ack = LISTING_MARK in await response.text()
                assert response.status == 200
            if n >= 5:  # the first few warm the caches
                acks.append(time.time() - began)
                if not in_ack:
                    sent[key] = began
            await asyncio.sleep(0.02)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            async with session.get(f"{fake_url}/_bench/stats") as response:
                responds = (await response.json())["responds"]
            if all(key in responds for key in sent):
                break
            await asyncio.sleep(0.1)
    totals = sorted(responds[key] - began for key, began in sent.items() if key in responds)
    acks.sort()
    if in_ack:  # the listing came in the ack: the round trip is the whole of it
        totals = acks
    return {
        "probes": count,
        "ack_p50_ms": pct(acks, 0.5),
        "ack_p99_ms": pct(acks, 0.99),
        "list_p50_ms": pct(totals, 0.5),
        "list_p99_ms": pct(totals, 0.99),
        "listings_missing": count - len(totals),
    }


def quiet(ports: list[int]) -> None:
    """Wait for the requests the warm-up's load left behind (the load generator drops what is in
    flight when it stops; the server still answers them) before the measured load begins."""
    for port in ports:
        settle(lambda port=port: server_metrics(port)["answered"], quiet=0.5, limit=30)  # type: ignore[misc]


def server_metrics(port: int) -> dict[str, Any]:
    """What the server's own `/metrics` says: shed requests, outbox backlog, database waits, RSS."""
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.labels.get("route") == "/metrics":
                continue  # the scrapes themselves: `quiet` would wait for them to stop, to its limit
            samples[sample.name] = samples.get(sample.name, 0.0) + sample.value
    waits = samples.get("liteproject_db_wait_seconds_count", 0.0)
    return {
        "answered": int(samples.get("liteproject_http_requests_total", 0)),
        "shed": int(samples.get("liteproject_shed_requests_total", 0)),
        "outbox_backlog": int(samples.get("liteproject_outbox_backlog", 0)),
        "outbox_oldest_age_s": round(samples.get("liteproject_outbox_oldest_age_seconds", 0.0), 1),
        "db_wait_mean_ms": round(samples.get("liteproject_db_wait_seconds_sum", 0.0) / waits * 1000, 2)
        if waits
        else None,
        # SQLite: how many requests' write units each commit of the writer carried
        "write_units_per_commit": round(
            samples.get("liteproject_write_units_per_commit_sum", 0.0) / commits, 1
        )
        if (commits := samples.get("liteproject_write_units_per_commit_count", 0.0))
        else None,
        "rss_mb": round(samples.get("process_resident_memory_bytes", 0.0) / 2**20, 1),
        "gc_collections": int(samples.get("python_gc_collections_total", 0)),
    }


def pct(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, int(fraction * len(values)))] * 1000, 2)


def outbox_figures(
    stats: dict[str, Any],
    rows: int,
    channels: list[str],
    rate: float,
    burst: int,
    at_bound: float,
    started: float,
    posted: int,
) -> dict[str, Any]:
    posts: dict[str, list[float]] = {channel: sorted(stats["posts"].get(channel, [])) for channel in channels}
    every = sorted(t for times in posts.values() for t in times)
    if not every:
        return {"rows": rows, "posted": 0, "error": "nothing was posted"}
    span = every[-1] - every[0]

    def max_in_window(times: list[float], window: float = 1.0) -> int:
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    steady = {ch: times[burst:] for ch, times in posts.items()}
    steady_rates = [(len(times) - 1) / (times[-1] - times[0]) for times in steady.values() if len(times) > 2]
    return {
        "rows": rows,
        "channels": len(channels),
        "posted": posted,
        "bound": {"rate_per_channel": rate, "burst": burst},
        "drain_s": round(span, 1),
        "drain_from_start_s": round(every[-1] - started, 1),
        "time_at_bound_s": round(at_bound, 1),
        "drain_vs_bound": ratio(span, at_bound),
        "aggregate_rate": round((len(every) - burst * len(channels)) / span, 2) if span else None,
        "aggregate_bound": rate * len(channels),
        "steady_rate_per_channel_max": round(max(steady_rates), 3) if steady_rates else None,
        "steady_rate_per_channel_mean": round(sum(steady_rates) / len(steady_rates), 3)
        if steady_rates
        else None,
        "max_per_channel_in_1s": max(max_in_window(times) for times in posts.values()),
        "max_per_channel_in_1s_after_burst": max(max_in_window(times) for times in steady.values()),
        "max_all_channels_in_1s": max_in_window(every),
        "rate_limited_429": stats["rate_limited"],
    }


async def create_database(base_url: str, name: str) -> str:
    import asyncpg

    plain = base_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncio.wait_for(asyncpg.connect(plain), 5)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    head, _, _ = base_url.rpartition("/")
    return f"{head}/{name}"


async def drop_database(base_url: str, name: str) -> None:
    import asyncpg

    plain = base_url.replace("postgresql+asyncpg://", "postgresql://")
    with contextlib.suppress(Exception):
        connection = await asyncio.wait_for(asyncpg.connect(plain), 5)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


@contextlib.contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    if keep:
        path = Path(tempfile.mkdtemp(prefix="liteproject-bench-"))
        print(f"working files kept in {path}")
        yield path
    else:
        with tempfile.TemporaryDirectory(prefix="liteproject-bench-") as name:
            yield Path(name)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark liteproject's real server against a fake Slack; writes bench/results.json.",
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke test (under a minute)")
    size.add_argument(
        "--full", action="store_true", help="the issue's full sizes (10,000 outbox rows: ~9 min)"
    )
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="run only this (repeatable)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LITEPROJECT_BENCH_POSTGRES_URL", ""),
        help="a PostgreSQL server to create a scratch database on "
        "(default: $LITEPROJECT_BENCH_POSTGRES_URL; PostgreSQL parts are skipped without one)",
    )
    parser.add_argument("--loader", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--connections", type=int, default=0, help="default 50 (10 with --quick)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the databases and server logs")
    return parser.parse_args(argv)
