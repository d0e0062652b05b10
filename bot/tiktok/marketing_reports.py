"""Marketing API (v1.3) reporting models: the ads of an advertiser and their daily results.

- `GET /ad/get/` (`advertiser_id`, `page`, `page_size` ≤ 1000, `fields`): each ad's `ad_id` and the
  post it runs (`tiktok_item_id`, a Spark Ad's video id): the map from ads to videos.
- `GET /report/integrated/get/` with `report_type` BASIC, `data_level` AUCTION_AD, `dimensions`
  `["ad_id", "stat_time_day"]`, `metrics`, `start_date`/`end_date` (YYYY-MM-DD, at most 30 days
  apart), `filtering` by `ad_ids`, `page`/`page_size` ≤ 1000. Metric values come as strings.
"""

from __future__ import annotations

from pydantic import Field

from bot.tiktok.business_api import ApiModel

AD_GET_PATH = "ad/get/"
REPORT_PATH = "report/integrated/get/"
PAGE_SIZE = 1000
MAX_REPORT_DAYS = 30

# the report's metrics this app stores, by TikTok's name (all additive per day)
REPORT_METRICS = (
    "spend",
    "impressions",
    "clicks",
    "conversion",
    "video_play_actions",
    "video_watched_2s",
    "video_watched_6s",
    "video_views_p100",
    "likes",
    "comments",
    "shares",
    "follows",
    "profile_visits",
)


class PageInfo(ApiModel):
    page: int = 1
    page_size: int = PAGE_SIZE
    total_number: int = 0
    total_page: int = 1


class Ad(ApiModel):
    ad_id: str
    tiktok_item_id: str | None = None
    identity_id: str | None = None


class AdPage(ApiModel):
    ads: list[Ad] = Field(default_factory=list, alias="list")
    page_info: PageInfo = Field(default_factory=PageInfo)


class ReportRow(ApiModel):
    dimensions: dict[str, str]
    metrics: dict[str, str | float | int | None]


class ReportPage(ApiModel):
    rows: list[ReportRow] = Field(default_factory=list, alias="list")
    page_info: PageInfo = Field(default_factory=PageInfo)
