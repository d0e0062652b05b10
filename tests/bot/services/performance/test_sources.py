"""The report providers against the fake sources: paging, 30-day windows, strings as numbers,
figures TikTok leaves out stay out."""

from __future__ import annotations

import datetime as dt

import aiohttp

from bot.services.performance import sources as s
from bot.tiktok.business_api import BusinessApiClient
from tests.harness.fake_tiktok_business import FakeTikTokBusiness, Reply, Request
from tests.harness.fake_tiktok_reports import standard

ADVERTISER = "7100000000000000018"
TODAY = dt.date(2026, 11, 25)


async def test_ad_figures_over_two_report_windows_add_up_exactly(
    fake_tiktok_business: FakeTikTokBusiness,
) -> None:
    reports, items = standard(fake_tiktok_business, today=TODAY, advertiser_id=ADVERTISER)
    fake_tiktok_business.add_token("act.t", [ADVERTISER])
    target = s.Target(item_ids=frozenset(items.values()), advertiser_ids=(ADVERTISER,))
    async with aiohttp.ClientSession() as http:
        api = BusinessApiClient(http, "act.t", fake_tiktok_business.url)
        figures = await s.MarketingReports().fetch(
            api, target=target, start=TODAY - dt.timedelta(days=59), end=TODAY
        )

    windows = {
        (call.query["start_date"], call.query["end_date"])
        for call in fake_tiktok_business.calls_to("report/integrated/get/")
    }
    assert len(windows) == 2  # the report takes at most 30 days a call
    for item in (items["gappy"], items["frozen"]):
        spend = sum(f.value for f in figures if f.item_id == item and f.metric == s.SPEND)
        assert spend == reports.ads_total(item, "spend")
    assert not [f for f in figures if f.item_id == items["late"]]


async def test_figures_tiktok_leaves_out_or_sends_as_junk_are_gaps(
    fake_tiktok_business: FakeTikTokBusiness,
) -> None:
    def report(call: Request) -> Reply:
        return Reply(
            data={
                "videos": [
                    {
                        "video_id": "7300000000000000001",
                        "daily_stats": [
                            {"stat_date": "2026-11-01", "video_views": {"organic": 10, "paid": None}},
                            {"stat_date": "not a day", "video_views": {"organic": 99}},
                            {"stat_date": "2026-11-02", "reach": "-", "likes": {"organic": "NaN"}},
                        ],
                    },
                    {
                        "video_id": "7999999999999999999",
                        "daily_stats": [{"stat_date": "2026-11-01", "reach": 5}],
                    },
                ]
            }
        )

    fake_tiktok_business.add_endpoint("GET", "tto/tcm/report/", report)
    fake_tiktok_business.add_token("act.t", [])
    target = s.Target(item_ids=frozenset({"7300000000000000001"}), campaign_id="1")
    async with aiohttp.ClientSession() as http:
        api = BusinessApiClient(http, "act.t", fake_tiktok_business.url)
        figures = await s.TikTokOneReports().fetch(
            api, target=target, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
        )

    assert figures == [s.DailyFigure("7300000000000000001", dt.date(2026, 11, 1), s.VIEWS_ORGANIC, 10.0)]
