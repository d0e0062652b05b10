"""TikTok One (TCM) API models, v1.3: shapes from the public Go SDK only, so every field is to be
confirmed against TikTok's own reference; they live here, in one place, for that reason."""

from __future__ import annotations

from pydantic import Field

from bot.tiktok.business_api import ApiModel

# --- reports ------------------------------------------------------------------------------------
# `GET /tto/tcm/report/` (`campaign_id`, `start_date`, `end_date` as YYYY-MM-DD; header
# `Country-Code`): per video, totals and `daily_stats`. Counts split organic / paid.

TTO_REPORT_PATH = "tto/tcm/report/"
# TikTok sends figures as numbers or numeric strings (and "-" for none): read leniently, parse later
Number = float | str | None


class OrganicPaid(ApiModel):
    organic: Number = None
    paid: Number = None


class TtoDailyStat(ApiModel):
    """One day of one video (`stat_date` YYYY-MM-DD); a figure TikTok leaves out is unknown, not 0."""

    stat_date: str
    video_views: OrganicPaid | None = None
    likes: OrganicPaid | None = None
    comments: OrganicPaid | None = None
    shares: OrganicPaid | None = None
    favorites: OrganicPaid | None = None
    reach: Number = None
    ad_impressions: Number = None
    ad_clicks: Number = None
    ad_cost: Number = None
    anchor_clicks: Number = None


class TtoVideoReport(ApiModel):
    video_id: str
    handle_name: str | None = None
    video_views: OrganicPaid | None = None
    engagement_rate: float | None = None
    video_completion_rate: float | None = None
    average_view_time: float | None = None
    ad_cost: float | None = None
    ad_roas: float | None = None
    video_boosted_date: str | None = None
    daily_stats: list[TtoDailyStat] = Field(default_factory=list)


class TtoPageInfo(ApiModel):
    page: int = 1
    total_page: int = 1


class TtoReport(ApiModel):
    campaign_id: str | None = None
    videos: list[TtoVideoReport] = Field(default_factory=list)
    page_info: TtoPageInfo | None = None
