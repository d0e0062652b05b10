"""The benchmark at its smallest size, so it can't rot: it runs, finishes and writes its results.

It starts servers and load generators and takes about a minute on a busy machine, so it is
marked slow and left out of the default run: `uv run pytest -m slow` runs it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "baseline_aiohttp",
    "baseline_bolt",
    "slash_list",
    "create",
    "delivery_sqlite",
    "delivery_pg",
    "notifications",
    "growth",
    "ratios",
    "goals",
    "machine",
    "date",
}


def run_in_own_group(args: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run `args`; on timeout kill it and every process it started (servers, fakes, load), not
    only the parent, so nothing is left listening after the test."""
    process = subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"the benchmark took more than {timeout}s:\n{stdout[-2000:]}{stderr[-2000:]}")
    finally:
        try:  # children that outlive a finished parent go too
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def test_a_timed_out_run_leaves_no_child_behind(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    child = f"import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); open({str(marker)!r}, 'w').write(str(p.pid)); time.sleep(60)"

    with pytest.raises(pytest.fail.Exception):
        run_in_own_group([sys.executable, "-c", child], timeout=2)

    pid = int(marker.read_text())
    # a killed process needs a moment to die on a busy machine: allow it a few seconds
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie is dead, only not reaped yet
    except (ProcessLookupError, FileNotFoundError):
        return False


@pytest.mark.slow
def test_quick_benchmark_runs_and_writes_results(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    result = run_in_own_group(
        [sys.executable, "-m", "bench", "--quick", "--postgres-url", "", "--output", str(output)], timeout=300
    )

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    results = json.loads(output.read_text())
    assert set(results) >= EXPECTED
    failed = {name: results[name]["error"] for name in EXPECTED if "error" in (results[name] or {})}
    assert not failed
    for name in ("baseline_aiohttp", "baseline_bolt", "slash_list", "create", "delivery_sqlite"):
        assert results[name]["requests"] > 0 and results[name]["errors"] == 0, (name, results[name])
    repeats = results["delivery_sqlite"]["repeats"]
    assert repeats["requests"] > 0 and repeats["errors"] == repeats["non_2xx"] == 0, repeats
    assert "skipped" in results["delivery_pg"]
    assert results["notifications"]["posted"] == results["notifications"]["rows"]
    assert results["notifications"]["rate_limited_429"] == 0
    assert set(results["growth"]["sizes"]) == {"100", "1000"}
    assert "req/s" in result.stdout
