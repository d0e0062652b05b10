"""A keep-alive HTTP/1.1 load generator for when wrk isn't installed: `python -m bench.loadgen`.

It replays the same pre-built raw requests as bench/wrk.lua, over plain asyncio streams (an HTTP
client library would cost several times the CPU per request on a machine the server shares),
and prints the same one-line JSON summary. Bounded by `--duration`; every read by `--timeout`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from pathlib import Path


def read_requests(path: Path) -> list[bytes]:
    data = path.read_bytes()
    items: list[bytes] = []
    pos = 0
    while pos < len(data):
        newline = data.index(b"\n", pos)
        length = int(data[pos:newline])
        items.append(data[newline + 1 : newline + 1 + length])
        pos = newline + 1 + length
    return items


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.non_2xx = 0
        self.errors = 0
        self.timeouts = 0
        self.bytes = 0


async def read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, bytes read, connection kept open) for one response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    size = len(head)
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        size += len(body)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            chunk_head = await reader.readuntil(b"\r\n")
            chunk_size = int(chunk_head.strip().split(b";")[0], 16)
            await reader.readexactly(chunk_size + 2)
            size += len(chunk_head) + chunk_size + 2
            if chunk_size == 0:
                break
    return status, size, headers.get("connection", "").lower() != "close"


async def connection(
    host: str,
    port: int,
    requests: list[bytes],
    start: int,
    stride: int,
    deadline: float,
    timeout: float,
    tally: Tally,
) -> None:
    index = start % len(requests)
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
            assert reader is not None and writer is not None
            began = time.perf_counter()
            writer.write(requests[index])
            index = (index + stride) % len(requests)
            status, size, keep = await asyncio.wait_for(read_response(reader), timeout)
            tally.latencies.append(time.perf_counter() - began)
            tally.bytes += size
            if not 200 <= status < 400:
                tally.non_2xx += 1
            if not keep and writer is not None:
                writer.close()
                writer = None
        except TimeoutError:
            tally.timeouts += 1
            if writer is not None:
                writer.close()
            writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            tally.errors += 1
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


async def run(args: argparse.Namespace) -> dict[str, float]:
    requests = read_requests(Path(args.requests))
    targets = [target.rsplit(":", 1) for target in args.targets.split(",")]
    tally = Tally()
    began = time.monotonic()
    deadline = began + args.duration
    rotation = itertools.cycle(targets)
    tasks = [
        asyncio.create_task(
            connection(host, int(port), requests, n, args.connections, deadline, args.timeout, tally)
        )
        for n, (host, port) in zip(range(args.connections), rotation, strict=False)
    ]
    await asyncio.wait_for(asyncio.gather(*tasks), args.duration + args.timeout + 5)
    elapsed = time.monotonic() - began
    latencies = sorted(tally.latencies)
    micro = 1_000_000
    return {
        "requests": len(latencies),
        "duration_us": int(elapsed * micro),
        "bytes": tally.bytes,
        "non_2xx": tally.non_2xx,
        "connect_errors": 0,
        "read_errors": tally.errors,
        "write_errors": 0,
        "timeouts": tally.timeouts,
        "p50_us": int(percentile(latencies, 0.50) * micro),
        "p90_us": int(percentile(latencies, 0.90) * micro),
        "p99_us": int(percentile(latencies, 0.99) * micro),
        "max_us": int((latencies[-1] if latencies else 0) * micro),
        "mean_us": (sum(latencies) / len(latencies) * micro) if latencies else 0.0,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen")
    parser.add_argument("--requests", required=True, help="file of length-prefixed raw requests")
    parser.add_argument("--targets", required=True, help="host:port[,host:port…]")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(run(args))), flush=True)


if __name__ == "__main__":
    main()
