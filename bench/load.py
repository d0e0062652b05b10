"""Run load from a separate process: wrk when installed, else bench/loadgen.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.payloads import write_requests
from bench.procs import ROOT, child_env

WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
WRK_THREADS = 2
TIMEOUT_SECONDS = 5


def pick_loader(choice: str) -> str:
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("--loader wrk: wrk is not installed (apt-get install -y wrk)")
    return choice


@dataclass
class Load:
    loader: str  # "wrk" or "python"
    workdir: Path
    connections: int = 50

    def run(self, name: str, requests: list[bytes], targets: list[int], duration: float) -> dict[str, float]:
        """Drive `requests` (cycled) at the ports in `targets` for `duration` seconds."""
        path = self.workdir / f"{name}.requests"
        write_requests(path, requests)
        target_list = ",".join(f"127.0.0.1:{port}" for port in targets)
        seconds = max(1, round(duration))
        if self.loader == "wrk":
            threads = max(WRK_THREADS, len(targets))
            command = [
                "wrk",
                f"-t{threads}",
                f"-c{self.connections}",
                f"-d{seconds}s",
                f"--timeout={TIMEOUT_SECONDS}s",
                "-s",
                str(WRK_SCRIPT),
                f"http://127.0.0.1:{targets[0]}/",
                "--",
                str(threads),
            ]
            env = {**os.environ, "BENCH_REQUESTS": str(path), "BENCH_TARGETS": target_list}
        else:
            command = [
                sys.executable,
                "-m",
                "bench.loadgen",
                "--requests",
                str(path),
                "--targets",
                target_list,
                "--connections",
                str(self.connections),
                "--duration",
                str(seconds),
                "--timeout",
                str(TIMEOUT_SECONDS),
            ]
            env = child_env()
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, timeout=seconds + 60, check=False
        )
        lines = [line for line in result.stdout.decode().splitlines() if line.startswith("{")]
        if result.returncode or not lines:
            raise RuntimeError(
                f"load for {name} failed ({result.returncode}): "
                f"{result.stderr.decode(errors='replace')[-1500:]}{result.stdout.decode()[-500:]}"
            )
        return summarize(json.loads(lines[-1]))


def summarize(raw: dict[str, float]) -> dict[str, float]:
    seconds = raw["duration_us"] / 1e6
    errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    return {
        "requests": int(raw["requests"]),
        "seconds": round(seconds, 2),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "non_2xx": int(raw["non_2xx"]),
        "errors": int(errors),
    }
