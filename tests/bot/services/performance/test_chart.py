"""The chart is a PNG of the fixed size, whatever the project is called and however sparse its data."""

from __future__ import annotations

import datetime as dt
import struct
import subprocess
import sys

from bench.sample_chart import sample
from bot.services.performance.chart import HEIGHT_PX, WIDTH_PX, render_chart, short_number
from bot.services.performance.report import ProjectPerformance, VideoFigures


def size_of(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_sample_and_odd_names_render_at_the_fixed_size() -> None:
    assert size_of(render_chart(sample())) == (WIDTH_PX, HEIGHT_PX)
    one_day = VideoFigures(1, "a" * 24, "https://www.tiktok.com/@a/video/1", None)
    one_day.daily_views[dt.date(2026, 11, 1)] = 5.0
    one_day.as_of = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    odd = ProjectPerformance(
        1, "Save $\\undefined{$ & <b>more</b> " + "x" * 80, [one_day], dt.date(2026, 11, 2)
    )
    assert size_of(render_chart(odd)) == (WIDTH_PX, HEIGHT_PX)


def test_numbers_are_short() -> None:
    assert [short_number(v) for v in (0, 999, 1000, 1540, 2_000_000, 3_250_000_000)] == [
        "0",
        "999",
        "1K",
        "1.5K",
        "2M",
        "3.2B",
    ]


def test_the_server_loads_matplotlib_only_when_a_chart_is_drawn() -> None:
    # a fresh interpreter: this test process may have loaded matplotlib already
    script = (
        "import sys\n"
        "import bot.app\n"
        "from bench.sample_chart import sample\n"
        "from bot.services.performance.chart import render_chart\n"
        "heavy = ('matplotlib', 'numpy')\n"
        "assert not [name for name in heavy if name in sys.modules], 'loaded at start'\n"
        "assert render_chart(sample())[:8] == b'\\x89PNG\\r\\n\\x1a\\n'\n"
        "assert all(name in sys.modules for name in heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
