"""`uv run python -m bench.sample_chart [path]`: the README's sample chart (docs/sample-chart.png),
drawn by the app's own chart code from made-up figures shaped like TikTok's (a gap, a late video)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from bot.services.performance import sources as s
from bot.services.performance.chart import render_chart
from bot.services.performance.report import ProjectPerformance, VideoFigures

TODAY = dt.date(2026, 11, 23)


def sample() -> ProjectPerformance:
    videos = []
    shapes = [
        ("glow.maker", 30, 9000, 0.86, ()),
        ("skin.by.sam", 24, 6000, 0.83, (6, 7)),
        ("morning.mia", 18, 4200, 0.8, ()),
        ("dewy.dan", 12, 2500, 0.78, (3,)),
        ("serum.sofia", 6, 1800, 0.7, ()),
    ]
    for number, (handle, days, peak, decay, gaps) in enumerate(shapes, start=1):
        video = VideoFigures(
            number, handle, f"https://www.tiktok.com/@{handle}/video/{7300000000000000000 + number}", None
        )
        first = TODAY - dt.timedelta(days=days)
        for offset in range(days):
            if offset in gaps:
                continue
            views = round(peak * (decay**offset) * (1 + 0.6 * min(offset, 3) / 3))
            video.daily_views[first + dt.timedelta(days=offset)] = float(views)
        video.figures[s.VIEWS_ORGANIC] = sum(video.daily_views.values())
        video.as_of = dt.datetime.combine(TODAY, dt.time(2), dt.UTC)
        videos.append(video)
    return ProjectPerformance(1, "Summer glow launch", videos, TODAY)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "docs/sample-chart.png")
    path.write_bytes(render_chart(sample()))
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
