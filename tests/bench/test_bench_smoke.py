"""The benchmark at its smallest size, so it can't rot: it runs, finishes and writes its results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


def test_quick_benchmark_runs_and_writes_results(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--postgres-url", "", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=58,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    results = json.loads(output.read_text())
    assert set(results) >= EXPECTED
    failed = {name: results[name]["error"] for name in EXPECTED if "error" in (results[name] or {})}
    assert not failed
    for name in ("baseline_aiohttp", "baseline_bolt", "slash_list", "create", "delivery_sqlite"):
        assert results[name]["requests"] > 0 and results[name]["errors"] == 0, (name, results[name])
    assert "skipped" in results["delivery_pg"]
    assert results["notifications"]["posted"] == results["notifications"]["rows"]
    assert results["notifications"]["rate_limited_429"] == 0
    assert set(results["growth"]["sizes"]) == {"100", "1000"}
    assert "req/s" in result.stdout
