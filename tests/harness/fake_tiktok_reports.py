"""Fake TikTok report sources on the fake Business API: TikTok One's campaign report and the
Marketing API's ads and ad report, answered from a few weeks of daily data held here.

`standard(today, ...)` builds the suite's usual story: a video posted five weeks ago that froze
after 21 days (its daily stats stop), a video posted 20 days ago with two missing days, a video
posted yesterday that TikTok doesn't report yet (new videos appear after about 48 hours), two ads
running the second video (their days add up) and one ad on the first video spending without
results. `total(...)` answers what the app should store, from the same data, for exact checks.
Answers are paged in small pages so the app's paging is exercised.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from tests.harness.fake_tiktok_business import FakeTikTokBusiness, Reply, Request

PAGE = 7  # the fake's page size, whatever is asked


@dataclass
class FakeAd:
    ad_id: str
    advertiser_id: str
    item_id: str
    days: dict[dt.date, dict[str, float]] = field(default_factory=dict)  # Marketing API metric names


@dataclass
class FakeReports:
    fake: FakeTikTokBusiness
    campaign_id: str = "1790000000000000001"
    # item id → day → our organic/paid figures: views_organic, views_paid, likes, comments, shares
    tto: dict[str, dict[dt.date, dict[str, float]]] = field(default_factory=dict)
    ads: list[FakeAd] = field(default_factory=list)
    other_ads: int = 3  # unrelated ads the advertiser also runs

    def install(self) -> FakeReports:
        self.fake.add_endpoint("GET", "tto/tcm/report/", self._tto_report)
        self.fake.add_endpoint("GET", "ad/get/", self._ad_get)
        self.fake.add_endpoint("GET", "report/integrated/get/", self._report)
        return self

    # --- what the app should end up with ----------------------------------------------------

    def tto_total(self, item_id: str, metric: str, *, since: dt.date | None = None) -> float:
        return sum(
            values.get(metric, 0)
            for day, values in self.tto.get(item_id, {}).items()
            if since is None or day >= since
        )

    def ads_total(self, item_id: str, theirs: str, *, since: dt.date | None = None) -> float:
        return sum(
            values.get(theirs, 0)
            for ad in self.ads
            if ad.item_id == item_id
            for day, values in ad.days.items()
            if since is None or day >= since
        )

    # --- endpoints --------------------------------------------------------------------------

    @staticmethod
    def _range(call: Request) -> tuple[dt.date, dt.date]:
        return (
            dt.date.fromisoformat(call.query["start_date"]),
            dt.date.fromisoformat(call.query["end_date"]),
        )

    @staticmethod
    def _page(call: Request, rows: list[dict[str, object]]) -> tuple[list[dict[str, object]], dict[str, int]]:
        page = int(call.query.get("page", "1"))
        pages = max(1, -(-len(rows) // PAGE))
        return rows[(page - 1) * PAGE : page * PAGE], {
            "page": page,
            "page_size": PAGE,
            "total_number": len(rows),
            "total_page": pages,
        }

    def _tto_report(self, call: Request) -> Reply:
        if call.query.get("campaign_id") != self.campaign_id:
            return Reply(code=40002, message="campaign_id is invalid")
        start, end = self._range(call)
        videos: list[dict[str, object]] = []
        for item_id, days in sorted(self.tto.items()):
            stats = [
                {
                    "stat_date": day.isoformat(),
                    "video_views": {"organic": v.get("views_organic"), "paid": v.get("views_paid")},
                    "likes": {"organic": v.get("likes", 0), "paid": 0},
                    "comments": {"organic": v.get("comments", 0), "paid": 0},
                    "shares": {"organic": v.get("shares", 0), "paid": 0},
                }
                for day, v in sorted(days.items())
                if start <= day <= end
            ]
            videos.append({"video_id": item_id, "handle_name": "creator", "daily_stats": stats})
        page, info = self._page(call, videos)
        return Reply(data={"campaign_id": self.campaign_id, "videos": page, "page_info": info})

    def _ad_get(self, call: Request) -> Reply:
        advertiser = call.query.get("advertiser_id", "")
        rows: list[dict[str, object]] = [
            {"ad_id": ad.ad_id, "tiktok_item_id": ad.item_id, "identity_id": "id-creator"}
            for ad in self.ads
            if ad.advertiser_id == advertiser
        ]
        rows += [{"ad_id": f"99{n:015d}", "tiktok_item_id": f"71{n:017d}"} for n in range(self.other_ads)]
        page, info = self._page(call, rows)
        return Reply(data={"list": page, "page_info": info})

    def _report(self, call: Request) -> Reply:
        if call.query.get("data_level") != "AUCTION_AD" or json.loads(call.query.get("dimensions", "[]")) != [
            "ad_id",
            "stat_time_day",
        ]:
            return Reply(code=40002, message="dimensions are invalid")
        start, end = self._range(call)
        if (end - start).days > 29:
            return Reply(code=40002, message="The time range should be no more than 30 days")
        wanted: set[str] | None = None
        for rule in json.loads(call.query.get("filtering", "[]")):
            if rule.get("field_name") == "ad_ids":
                wanted = set(json.loads(rule["filter_value"]))
        metrics = json.loads(call.query.get("metrics", "[]"))
        rows: list[dict[str, object]] = [
            {
                "dimensions": {"ad_id": ad.ad_id, "stat_time_day": f"{day.isoformat()} 00:00:00"},
                # TikTok sends metric values as strings
                "metrics": {name: str(values.get(name, 0)) for name in metrics},
            }
            for ad in self.ads
            if ad.advertiser_id == call.query.get("advertiser_id") and (wanted is None or ad.ad_id in wanted)
            for day, values in sorted(ad.days.items())
            if start <= day <= end
        ]
        page, info = self._page(call, rows)
        return Reply(data={"list": page, "page_info": info})


def _days(first: dt.date, count: int, *, skip: Iterable[int] = ()) -> list[tuple[int, dt.date]]:
    skipped = set(skip)
    return [(n, first + dt.timedelta(days=n)) for n in range(count) if n not in skipped]


def item_posted(day: dt.date, serial: int) -> str:
    """A real-shaped TikTok id whose top 32 bits are the posting time (noon UTC of `day`)."""
    seconds = int(dt.datetime.combine(day, dt.time(12), dt.UTC).timestamp())
    return str((seconds << 32) + serial)


def standard(
    fake: FakeTikTokBusiness, *, today: dt.date, advertiser_id: str
) -> tuple[FakeReports, dict[str, str]]:
    """The suite's usual data; returns the fake and the item ids by name (frozen, gappy, late)."""
    frozen_posted = today - dt.timedelta(days=35)
    gappy_posted = today - dt.timedelta(days=20)
    late_posted = today - dt.timedelta(days=1)
    items = {
        "frozen": item_posted(frozen_posted, 1),
        "gappy": item_posted(gappy_posted, 2),
        "late": item_posted(late_posted, 3),
    }
    reports = FakeReports(fake)
    # reported from 2 days after posting; frozen after 21 days: no more days
    reports.tto[items["frozen"]] = {
        day: {
            "views_organic": 900 + 31 * n,
            "views_paid": 100 + 7 * n,
            "likes": 40 + n,
            "comments": 3,
            "shares": 2,
        }
        for n, day in _days(frozen_posted + dt.timedelta(days=2), 19)
    }
    reports.tto[items["gappy"]] = {
        day: {
            "views_organic": 2000 + 53 * n,
            "views_paid": 300 + 11 * n,
            "likes": 90 + 2 * n,
            "comments": 5,
            "shares": n % 4,
        }
        for n, day in _days(gappy_posted + dt.timedelta(days=2), 18, skip=(5, 9))
    }
    reports.ads = [
        FakeAd(
            "1800000000000000001",
            advertiser_id,
            items["gappy"],
            {
                day: {
                    "spend": 12.5 + n,
                    "impressions": 4000 + 10 * n,
                    "clicks": 40 + n,
                    "conversion": 2 + n % 3,
                    "video_play_actions": 3000 + n,
                }
                for n, day in _days(gappy_posted + dt.timedelta(days=3), 17)
            },
        ),
        FakeAd(
            "1800000000000000002",
            advertiser_id,
            items["gappy"],
            {
                day: {
                    "spend": 5.25,
                    "impressions": 1000,
                    "clicks": 9,
                    "conversion": 1,
                    "video_play_actions": 700,
                }
                for _, day in _days(gappy_posted + dt.timedelta(days=10), 10)
            },
        ),
        FakeAd(
            "1800000000000000003",
            advertiser_id,
            items["frozen"],
            {
                day: {
                    "spend": 20.0,
                    "impressions": 5000,
                    "clicks": 15,
                    "conversion": 0,
                    "video_play_actions": 2500,
                }
                for _, day in _days(today - dt.timedelta(days=14), 14)
            },
        ),
    ]
    return reports.install(), items
