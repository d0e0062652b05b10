"""Words and Block Kit for performance: the `/liteproject performance` answer, the weekly summary,
the "connect first" answer. Every figure says how fresh it is ("as of") and whether it is final."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.connections import CONNECT_TIKTOK
from bot.blocks.text import escape
from bot.services.performance import sources as s
from bot.services.performance.chart import short_number
from bot.services.performance.report import ProjectPerformance, VideoFigures, WeekFigures, cost_per
from bot.services.performance.weekly import WeeklySummary

CONNECT_FIRST = "Connect TikTok One or TikTok for Business to see results."
FRESHNESS = (
    "TikTok reports a video about 48 hours after it's posted, refreshes its numbers once a day, "
    "and stops updating organic numbers about 21 days after posting (then they're final)."
)


def money(value: float) -> str:
    return f"{value:,.2f}"


def _date(moment: dt.datetime) -> str:
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}}|{moment:%Y-%m-%d}>"


def as_of_text(performance: ProjectPerformance) -> str:
    if performance.as_of is None:
        return "No figures yet."
    text = f"As of {_date(performance.as_of)}"
    return text + (" · final" if performance.all_final else " · TikTok may still revise recent days")


def cost_per_result_text(spend: float, results: float, *, known: bool) -> str:
    if not known:
        return "results not reported"  # TikTok One's ad cost alone: no conversions to divide by
    cpr = cost_per(spend, results)
    return f"{money(cpr)} per result" if cpr is not None else "no results yet"


def video_line(number: int, video: VideoFigures) -> str:
    link = f"<{video.url}|@{escape(video.creator_handle)}>"
    parts = [
        f"*{short_number(video.views)}* views ({short_number(video.get(s.VIEWS_ORGANIC))} organic, "
        f"{short_number(video.get(s.VIEWS_PAID))} paid)"
    ]
    spend = video.get(s.SPEND)
    if spend > 0:
        parts.append(f"{money(spend)} spent")
        parts.append(cost_per_result_text(spend, video.get(s.CONVERSIONS), known=video.results_known))
    if video.final:
        parts.append("final")
    return f"{number}. {link}: " + " · ".join(parts)


def performance_blocks(performance: ProjectPerformance, *, chart_coming: bool) -> list[Block]:
    name = escape(performance.link_name)
    blocks: list[Block] = [HeaderBlock(text=f"Performance: {performance.link_name}"[:150])]
    if not performance.has_data:
        waiting = len(performance.waiting)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"No results for “{name}” yet"
                    + (f" ({waiting} video{'' if waiting == 1 else 's'} waiting)." if waiting else ".")
                    + " The first figures arrive after TikTok's next daily refresh."
                )
            )
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=FRESHNESS)]))
        return blocks
    spend = performance.total(s.SPEND)
    results = performance.total(s.CONVERSIONS)
    fields = [
        MarkdownTextObject(text=f"*Views*\n{short_number(performance.views)}"),
        MarkdownTextObject(
            text=f"*Organic / paid*\n{short_number(performance.total(s.VIEWS_ORGANIC))} / "
            f"{short_number(performance.total(s.VIEWS_PAID))}"
        ),
        MarkdownTextObject(
            text=f"*Likes · comments · shares*\n{short_number(performance.total(s.LIKES))} · "
            f"{short_number(performance.total(s.COMMENTS))} · {short_number(performance.total(s.SHARES))}"
        ),
    ]
    if spend > 0:
        known = performance.results_known
        cpr = cost_per(spend, results)
        fields += [
            MarkdownTextObject(text=f"*Ad spend*\n{money(spend)}"),
            MarkdownTextObject(text=f"*Results*\n{short_number(results) if known else 'not reported'}"),
            MarkdownTextObject(
                text="*Cost per result*\n"
                + (money(cpr) if known and cpr is not None else "no results yet" if known else "—")
            ),
        ]
    blocks.append(SectionBlock(fields=fields))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=as_of_text(performance))]))
    top = performance.reported[:5]
    blocks.append(
        SectionBlock(
            text=MarkdownTextObject(
                text="*Top videos*\n" + "\n".join(video_line(n, v) for n, v in enumerate(top, start=1))
            )
        )
    )
    notes = []
    if performance.waiting:
        count = len(performance.waiting)
        notes.append(
            f"{count} video{'' if count == 1 else 's'} without figures yet: TikTok reports a video "
            "about 48 hours after it's posted."
        )
    if chart_coming:
        notes.append("The chart is on its way to the project's thread.")
    notes.append("Spend is in the ad account's currency.")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" ".join(notes))]))
    return blocks


def performance_message(performance: ProjectPerformance, *, chart_coming: bool) -> dict[str, Any]:
    text = (
        f"Performance of “{escape(performance.link_name)}”: {short_number(performance.views)} views"
        if performance.has_data
        else f"No results for “{escape(performance.link_name)}” yet."
    )
    blocks = performance_blocks(performance, chart_coming=chart_coming)
    return {"text": text, "blocks": [block.to_dict() for block in blocks]}


def connect_first_message(connect_url: str | None) -> dict[str, Any]:
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{CONNECT_FIRST} liteproject reads each video's views, engagement and ad results "
                "from TikTok once a day and charts them here."
            )
        )
    ]
    if connect_url:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Connect TikTok for Business",
                        action_id=CONNECT_TIKTOK,
                        url=connect_url,
                        value="business",
                        style="primary",
                    )
                ]
            )
        )
    else:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Ask whoever runs liteproject to set up the TikTok connection "
                        "(TIKTOK_APP_ID and TIKTOK_APP_SECRET, or TIKTOK_BUSINESS_ACCESS_TOKEN)."
                    )
                ]
            )
        )
    return {"text": CONNECT_FIRST, "blocks": [block.to_dict() for block in blocks]}


def render_weekly(summary: WeeklySummary) -> dict[str, Any]:
    """The week's results for the project's thread."""
    span = f"{summary.week_start:%b %d}–{summary.week_end:%b %d}"
    change = summary.change
    trend = (
        f" ({'+' if change >= 0 else '−'}{abs(change) * 100:.0f}% on the week before)"
        if change is not None
        else ""
    )
    lines = [f"*This week's results, {span}*: {short_number(summary.views)} views{trend}."]
    if summary.spend > 0:
        lines.append(f"Ad spend: {money(summary.spend)}.")
    if summary.best_new is not None:
        video = summary.best_new
        lines.append(
            f"Best new video: <{video.url}|@{escape(video.creator_handle)}>, "
            f"{short_number(summary.best_new_views)} views."
        )
    if summary.spending_without_results:
        names = ", ".join(
            f"<{video.url}|@{escape(video.creator_handle)}> ({money(spent)})"
            for video, spent in summary.spending_without_results[:5]
        )
        lines.append(f":warning: Ads spending without results: {names}. Consider pausing them.")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="\n".join(lines)))]
    note = f"As of {_date(summary.as_of)}. " if summary.as_of else ""
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=note + f"`/liteproject performance {escape(summary.link_name)}` shows the chart."
                )
            ]
        )
    )
    text = f"{summary.link_name}: {short_number(summary.views)} views in the week of {span}"
    return {"text": escape(text), "blocks": [block.to_dict() for block in blocks]}


def home_week_line(figures: WeekFigures) -> str:
    """App Home, under a project: its last seven days."""
    text = f"This week: {short_number(figures.views)} views"
    if figures.spend > 0:
        text += f" · {money(figures.spend)} spent"
    return text + (f" · as of {_date(figures.as_of)}" if figures.as_of else "")


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """A small text chart of daily views; a day TikTok didn't report is a space."""
    known = [value for value in values if value is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    return "".join(
        " " if value is None else SPARKS[min(len(SPARKS) - 1, int((value - low) / span * (len(SPARKS) - 1)))]
        for value in values
    )


def video_figures_blocks(video: VideoFigures | None) -> list[Block]:
    """View details: the video's own figures and its last two weeks of views, or why there are none."""
    if video is None or video.as_of is None:
        return [
            ContextBlock(
                elements=[MarkdownTextObject(text="*Performance*: no figures from TikTok yet. " + FRESHNESS)]
            )
        ]
    lines = [
        f"*{short_number(video.views)}* views ({short_number(video.get(s.VIEWS_ORGANIC))} organic, "
        f"{short_number(video.get(s.VIEWS_PAID))} paid) · {short_number(video.get(s.LIKES))} likes · "
        f"{short_number(video.get(s.COMMENTS))} comments · {short_number(video.get(s.SHARES))} shares"
    ]
    spend = video.get(s.SPEND)
    if spend > 0:
        results = video.get(s.CONVERSIONS)
        counted = f"{short_number(results)} results · " if video.results_known else ""
        lines.append(
            f"Ads: {money(spend)} spent · {counted}"
            + cost_per_result_text(spend, results, known=video.results_known)
        )
    if video.daily_views:
        last = max(video.daily_views)
        days = [last - dt.timedelta(days=n) for n in range(13, -1, -1)]
        line = sparkline([video.daily_views.get(day) for day in days])
        lines.append(f"Views per day, {days[0]:%b %d}–{last:%b %d}: `{line}`")
    status = " · final" if video.final else ""
    return [
        SectionBlock(text=MarkdownTextObject(text="*Performance*\n" + "\n".join(lines))),
        ContextBlock(elements=[MarkdownTextObject(text=f"As of {_date(video.as_of)}{status}")]),
    ]
