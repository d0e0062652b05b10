"""The performance chart: views per day of the top videos, and the project's cumulative views.

Rendered with matplotlib's Agg backend (no display, thread-safe per figure) to a PNG of a fixed
size, 1200 × 1350 pixels: portrait, so a phone shows it full width, with text large enough to read
there. The chart has its own light card background, dark text and a palette that stays distinct
for colour-blind readers (Okabe–Ito), so it reads the same in Slack's light and dark themes (a
transparent chart would vanish on dark). A day TikTok didn't report is a gap in the line, not a 0.
"""

from __future__ import annotations

import datetime as dt
import io

from bot.services.performance.report import ProjectPerformance

WIDTH_PX, HEIGHT_PX, DPI = 1200, 1350, 150
BACKGROUND = "#ffffff"
INK = "#1d1c1d"  # Slack's own text colour on light
GRID = "#dddddd"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
TOTAL_COLOUR = "#1d1c1d"


def short_number(value: float, _position: object = None) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            text = f"{value / size:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:.0f}"


def _label(handle: str) -> str:
    return "@" + handle if len(handle) <= 18 else "@" + handle[:17] + "…"


def render_chart(performance: ProjectPerformance, *, top: int = 5) -> bytes:
    """The PNG bytes. Call it off the event loop (it is CPU work)."""
    # matplotlib and numpy under it are ~40 MB of a server's memory: loaded by the first chart
    # a job draws, not by every process at start (`short_number` and the blocks need neither)
    import matplotlib

    matplotlib.use("Agg")

    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor=BACKGROUND)
    daily_axes, total_axes = figure.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2], "hspace": 0.6})
    for axes in (daily_axes, total_axes):
        axes.set_facecolor(BACKGROUND)
        axes.tick_params(colors=INK, labelsize=15)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            axes.spines[side].set_color(INK)
        axes.grid(axis="y", color=GRID, linewidth=0.8)
        axes.yaxis.set_major_formatter(FuncFormatter(short_number))
        axes.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))

    title = performance.link_name if len(performance.link_name) <= 40 else performance.link_name[:39] + "…"
    title = title.replace("$", r"\$")  # matplotlib reads $…$ as math: a name is shown as typed
    figure.suptitle(f"{title}: views", color=INK, fontsize=21, fontweight="bold", y=0.975)

    reported = performance.reported[:top]
    for index, video in enumerate(reported):
        days = sorted(video.daily_views)
        xs: list[dt.date | None] = []
        ys: list[float | None] = []
        for day in days:
            last = xs[-1] if xs else None
            if last is not None and (day - last).days > 1:
                xs.append(None)  # a day TikTok didn't report: break the line
                ys.append(None)
            xs.append(day)
            ys.append(video.daily_views[day])
        x_values = [mdates.date2num(day) if day is not None else float("nan") for day in xs]
        y_values = [value if value is not None else float("nan") for value in ys]
        daily_axes.plot(
            x_values,
            y_values,
            color=PALETTE[index % len(PALETTE)],
            linewidth=2.4,
            marker="o",
            markersize=3.5,
            label=_label(video.creator_handle),
        )
    daily_axes.set_title("Views per day, top videos", color=INK, fontsize=16, loc="left")
    if reported:
        legend = daily_axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            # three columns fit a phone's width only with short handles
            ncol=min(3 if all(len(v.creator_handle) <= 12 for v in reported) else 2, len(reported)),
            frameon=False,
            fontsize=15,
            handlelength=1.4,
            columnspacing=1.0,
        )
        for text in legend.get_texts():
            text.set_color(INK)

    totals = performance.daily_totals()
    running = performance.views_before_daily  # cumulative: what came before the chart's first day
    xs_total, ys_total = [], []
    for day, value in totals.items():
        running += value
        xs_total.append(mdates.date2num(day))
        ys_total.append(running)
    total_axes.plot(xs_total, ys_total, color=TOTAL_COLOUR, linewidth=2.8)
    total_axes.fill_between(xs_total, ys_total, color=PALETTE[0], alpha=0.15)
    total_axes.set_title(
        f"Cumulative views, all videos ({short_number(running)})", color=INK, fontsize=16, loc="left"
    )
    as_of = performance.as_of
    note = f"As of {as_of:%b %d, %Y} (TikTok's data)" if as_of else "No figures yet"
    if performance.all_final:
        note += " · final"
    figure.text(0.02, 0.012, note, color="#616061", fontsize=13)
    days = sorted(totals)
    if days and days[0] == days[-1]:  # one day: give the date axis a span to place its ticks on
        for axes in (daily_axes, total_axes):
            axes.set_xlim(
                mdates.date2num(days[0] - dt.timedelta(days=1)),
                mdates.date2num(days[0] + dt.timedelta(days=1)),
            )
    figure.subplots_adjust(left=0.12, right=0.97, top=0.9, bottom=0.075)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=BACKGROUND)
    return buffer.getvalue()
