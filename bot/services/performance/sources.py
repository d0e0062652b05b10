"""Report providers: each reads one TikTok report and answers daily figures per TikTok video.

A provider is given what it needs (the project's TikTok video ids, its TikTok One campaign, its
advertisers) and a client holding the workspace's token; it never touches the database, so the
collector can call it outside any transaction. Figures are TikTok's daily counts under the app's own
metric names (below); a day or a figure TikTok leaves out is simply not answered (a gap, not 0).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from bot.tiktok import marketing_reports as mr
from bot.tiktok import tiktok_one as tto
from bot.tiktok.business_api import BusinessApiClient
from storage.models import TikTokConnectionKind

# sources (the `source` column)
TIKTOK_ONE = "tiktok_one"
ADS = "ads"

# the app's metric names
VIEWS_ORGANIC = "views_organic"
VIEWS_PAID = "views_paid"
LIKES = "likes"
COMMENTS = "comments"
SHARES = "shares"
FAVORITES = "favorites"
REACH = "reach"
IMPRESSIONS = "impressions"
CLICKS = "clicks"
SPEND = "spend"
CONVERSIONS = "conversions"
ANCHOR_CLICKS = "anchor_clicks"
VIEWS_2S = "views_2s"
VIEWS_6S = "views_6s"
VIEWS_COMPLETE = "views_complete"
FOLLOWS = "follows"
PROFILE_VISITS = "profile_visits"

# the Marketing API's names → ours (`video_play_actions` are the paid plays of the Spark Ad)
ADS_METRICS = {
    "spend": SPEND,
    "impressions": IMPRESSIONS,
    "clicks": CLICKS,
    "conversion": CONVERSIONS,
    "video_play_actions": VIEWS_PAID,
    "video_watched_2s": VIEWS_2S,
    "video_watched_6s": VIEWS_6S,
    "video_views_p100": VIEWS_COMPLETE,
    "likes": LIKES,
    "comments": COMMENTS,
    "shares": SHARES,
    "follows": FOLLOWS,
    "profile_visits": PROFILE_VISITS,
}


@dataclass(frozen=True)
class DailyFigure:
    item_id: str  # the TikTok video id
    day: dt.date
    metric: str
    value: float


@dataclass(frozen=True)
class Target:
    """What a provider reads for one project."""

    item_ids: frozenset[str]
    campaign_id: str | None = None
    advertiser_ids: tuple[str, ...] = field(default_factory=tuple)


class ReportSource(Protocol):
    name: str
    connection: TikTokConnectionKind

    def applies(self, target: Target) -> bool: ...

    async def fetch(
        self, api: BusinessApiClient, *, target: Target, start: dt.date, end: dt.date
    ) -> list[DailyFigure]: ...


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


class TikTokOneReports:
    """`GET /tto/tcm/report/` for the project's TikTok One campaign: organic and paid, per day."""

    name = TIKTOK_ONE
    connection = TikTokConnectionKind.TIKTOK_ONE

    def applies(self, target: Target) -> bool:
        return target.campaign_id is not None and bool(target.item_ids)

    async def fetch(
        self, api: BusinessApiClient, *, target: Target, start: dt.date, end: dt.date
    ) -> list[DailyFigure]:
        figures: list[DailyFigure] = []
        page, pages = 1, 1
        while page <= pages and page <= 100:
            report = await api.get(
                tto.TTO_REPORT_PATH,
                {
                    "campaign_id": target.campaign_id,
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat(),
                    "page": page,
                },
                tto.TtoReport,
            )
            for video in report.videos:
                if video.video_id in target.item_ids:
                    figures.extend(self._daily(video))
            pages = report.page_info.total_page if report.page_info else 1
            page += 1
        return [figure for figure in figures if start <= figure.day <= end]

    @staticmethod
    def _daily(video: tto.TtoVideoReport) -> Iterable[DailyFigure]:
        for stat in video.daily_stats:
            day = _day(stat.stat_date)
            if day is None:
                continue
            values: dict[str, float | None] = {
                REACH: _number(stat.reach),
                IMPRESSIONS: _number(stat.ad_impressions),
                CLICKS: _number(stat.ad_clicks),
                SPEND: _number(stat.ad_cost),
                ANCHOR_CLICKS: _number(stat.anchor_clicks),
            }
            if stat.video_views is not None:
                values[VIEWS_ORGANIC] = _number(stat.video_views.organic)
                values[VIEWS_PAID] = _number(stat.video_views.paid)
            for metric, pair in (
                (LIKES, stat.likes),
                (COMMENTS, stat.comments),
                (SHARES, stat.shares),
                (FAVORITES, stat.favorites),
            ):
                organic, paid = (_number(pair.organic), _number(pair.paid)) if pair else (None, None)
                if organic is not None or paid is not None:
                    values[metric] = (organic or 0.0) + (paid or 0.0)
            for metric, number in values.items():
                if number is not None:
                    yield DailyFigure(video.video_id, day, metric, number)


class MarketingReports:
    """The Spark Ads of the project's videos: `/ad/get/` maps ads to videos by `tiktok_item_id`,
    `/report/integrated/get/` (AUCTION_AD by `ad_id` and `stat_time_day`) gives their days; two ads
    of one video add up."""

    name = ADS
    connection = TikTokConnectionKind.BUSINESS

    def applies(self, target: Target) -> bool:
        return bool(target.advertiser_ids) and bool(target.item_ids)

    async def fetch(
        self, api: BusinessApiClient, *, target: Target, start: dt.date, end: dt.date
    ) -> list[DailyFigure]:
        sums: dict[tuple[str, dt.date, str], float] = defaultdict(float)
        for advertiser in target.advertiser_ids:
            ads = await self._ads(api, advertiser, target.item_ids)
            if not ads:
                continue
            for window_start, window_end in _windows(start, end, mr.MAX_REPORT_DAYS):
                for row in await self._report(api, advertiser, sorted(ads), window_start, window_end):
                    item = ads.get(row.dimensions.get("ad_id", ""))
                    day = _day(row.dimensions.get("stat_time_day", ""))
                    if item is None or day is None:
                        continue
                    for theirs, ours in ADS_METRICS.items():
                        number = _number(row.metrics.get(theirs))
                        if number is not None:
                            sums[(item, day, ours)] += number
        return [DailyFigure(item, day, metric, value) for (item, day, metric), value in sums.items()]

    @staticmethod
    async def _ads(api: BusinessApiClient, advertiser: str, items: frozenset[str]) -> dict[str, str]:
        """ad id → the video it runs, for this advertiser's ads of the project's videos."""
        found: dict[str, str] = {}
        page, pages = 1, 1
        while page <= pages and page <= 100:
            answer = await api.get(
                mr.AD_GET_PATH,
                {
                    "advertiser_id": advertiser,
                    "page": page,
                    "page_size": mr.PAGE_SIZE,
                    "fields": ["ad_id", "tiktok_item_id", "identity_id"],
                },
                mr.AdPage,
            )
            for ad in answer.ads:
                if ad.tiktok_item_id in items:
                    found[ad.ad_id] = ad.tiktok_item_id
            pages = answer.page_info.total_page
            page += 1
        return found

    @staticmethod
    async def _report(
        api: BusinessApiClient, advertiser: str, ad_ids: list[str], start: dt.date, end: dt.date
    ) -> list[mr.ReportRow]:
        rows: list[mr.ReportRow] = []
        page, pages = 1, 1
        while page <= pages and page <= 100:
            answer = await api.get(
                mr.REPORT_PATH,
                {
                    "advertiser_id": advertiser,
                    "report_type": "BASIC",
                    "data_level": "AUCTION_AD",
                    "dimensions": ["ad_id", "stat_time_day"],
                    "metrics": list(mr.REPORT_METRICS),
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat(),
                    "filtering": [
                        {"field_name": "ad_ids", "filter_type": "IN", "filter_value": json_list(ad_ids)}
                    ],
                    "page": page,
                    "page_size": mr.PAGE_SIZE,
                },
                mr.ReportPage,
            )
            rows.extend(answer.rows)
            pages = answer.page_info.total_page
            page += 1
        return rows


def json_list(values: list[str]) -> str:
    return json.dumps(values, separators=(",", ":"))


def _windows(start: dt.date, end: dt.date, days: int) -> Iterable[tuple[dt.date, dt.date]]:
    """[start, end] in pieces of at most `days` days (the report refuses longer ranges)."""
    while start <= end:
        stop = min(end, start + dt.timedelta(days=days - 1))
        yield start, stop
        start = stop + dt.timedelta(days=1)


SOURCES: tuple[ReportSource, ...] = (TikTokOneReports(), MarketingReports())
