"""TikTok One (formerly Creator Marketplace) through the API for Business: every shape in one place.

The shapes below come from the public Go SDK `bububa/tiktok-business` (`api/tto/**`,
`model/tto/**`, and `model/tcm/**` which the TikTok One packages re-export); no page of TikTok's
describing these endpoints could be read, so every path and field here is TO BE CONFIRMED against
TikTok's own documentation. A correction is one edit in this module: the rest of the app only
sees these models and the `TikTokOneApi` methods.

Same host and envelope as the Marketing API (`bot.tiktok.business_api`): errors arrive as
`TikTokApiError`, transport trouble as `BusinessApiUnavailable`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from bot.tiktok.business_api import ApiModel, BusinessApiClient

# --- campaigns, links, authorizations ------------------------------------------------------------


class TikTokEnum(enum.StrEnum):
    """A TikTok enum: each member's value is its name, as TikTok spells it."""

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[str]) -> str:
        return name


class CampaignType(TikTokEnum):
    CAMPAIGN = enum.auto()
    BRAND_LINK = enum.auto()  # "the invite-link type": a lite project


class LinkAction(TikTokEnum):
    LINK = enum.auto()
    REVOKE = enum.auto()


class LinkStatus(TikTokEnum):
    IN_REVIEW = enum.auto()
    APPROVE = enum.auto()
    REJECTED = enum.auto()
    REVOKE = enum.auto()


class AuthStatus(TikTokEnum):
    WAITING = enum.auto()
    ACCEPTED = enum.auto()
    REJECTED = enum.auto()


class AuthCodeStatus(TikTokEnum):
    NOT_USED = enum.auto()
    IN_USE = enum.auto()
    EXPIRED = enum.auto()
    DELETED = enum.auto()


class PageInfo(ApiModel):
    page: int = 1
    page_size: int = 0
    total_number: int = 0
    total_page: int = 1


# OAuth: POST /tt_user/oauth2/token/ (SDK model/tto/oauth/token.go)
class TokenRequest(ApiModel):
    client_id: str
    client_secret: str
    grant_type: str = "authorization_code"
    auth_code: str
    redirect_uri: str | None = None


class Token(ApiModel):
    access_token: str = Field(min_length=1)
    token_type: str | None = None
    scope: str | None = None
    expires_in: int | None = None
    refresh_token: str | None = None
    refresh_token_expires_in: int | None = None
    open_id: str | None = None


# GET /tto/oauth2/tcm/ with app_id and secret (SDK model/tto/oauth/account.go)
class AccountList(ApiModel):
    tto_tcm_account_ids: list[str] = Field(default_factory=list)


# Brand profiles: GET /tto/tcm/brand/profile/get/ (SDK model/tcm/brand/profile.go)
class BrandProfile(ApiModel):
    brand_profile_id: str
    brand_name: str = ""
    brand_industry_id: str | None = None
    brand_website: str | None = None
    logo_url: str | None = None


class BrandProfileList(ApiModel):
    brand_profiles: list[BrandProfile] = Field(default_factory=list)
    page_info: PageInfo | None = None


# POST /tto/tcm/brand/profile/create/ (SDK model/tcm/brand/profile_create.go); answers a BrandProfile
class BrandProfileCreateRequest(ApiModel):
    tto_tcm_account_id: str
    brand_name: str = Field(max_length=60)  # frozen once set, as are the industry and logo
    brand_industry_id: str | None = None
    brand_website: str | None = None  # https://…
    logo_url: str | None = None


# Anchors: POST /tto/tcm/anchor/create/, GET /tto/tcm/anchor/get/ (SDK model/tto/anchor/anchor.go)
class CallToAction(ApiModel):
    landing_page_url: str | None = None
    ios_download_link: str | None = None
    android_download_link: str | None = None


class Anchor(ApiModel):
    anchor_id: str
    anchor_name: str = ""
    anchor_type: str | None = None  # WEB_ANCHOR …
    status: str | None = None  # DRAFT … APPROVED / REJECTED_BY_AUDIT
    country_code: str | None = None
    call_to_action: CallToAction | None = None


class AnchorList(ApiModel):
    anchors: list[Anchor] = Field(default_factory=list)
    page_info: PageInfo | None = None


class AnchorCreateRequest(ApiModel):
    tto_tcm_account_id: str
    anchor_name: str
    anchor_title: str | None = None
    anchor_type: str | None = None  # the SDK's TTOAnchorType; values TO BE CONFIRMED
    country_code: str | None = None
    call_to_action: CallToAction | None = None


# Campaigns: POST /tto/tcm/campaign/create/, /update/, GET /tto/tcm/campaign/
# (SDK model/tto/campaign/campaign.go)
class CampaignCreateRequest(ApiModel):
    tto_tcm_account_id: str
    campaign_type: CampaignType = CampaignType.BRAND_LINK
    campaign_name: str
    brand_profile_id: str | None = None
    brand_name: str | None = None
    campaign_description: str | None = None
    anchor_id: str | None = None
    advertiser_ids: list[str] = Field(default_factory=list)
    default_spark_ads_requested_authorization_days: int
    handle_names: list[str] = Field(default_factory=list)
    send_notification: bool = False
    business_account_handle: str | None = None


class CampaignUpdateRequest(ApiModel):
    """What TikTok One lets change after creation (brand, period and anchor are frozen)."""

    tto_tcm_account_id: str
    campaign_id: str
    campaign_type: CampaignType = CampaignType.BRAND_LINK
    campaign_name: str | None = None
    campaign_description: str | None = None
    advertiser_ids: list[str] = Field(default_factory=list)
    handle_names: list[str] = Field(default_factory=list)
    send_notification: bool = False


class Campaign(ApiModel):
    campaign_id: str
    campaign_type: str | None = None
    campaign_name: str = ""
    brand_profile_id: str | None = None
    brand_name: str | None = None
    campaign_description: str | None = None
    anchor_id: str | None = None
    advertiser_ids: list[str] = Field(default_factory=list)
    handle_names: list[str] = Field(default_factory=list)
    video_ids: list[str] = Field(default_factory=list)
    spark_ads_requested_authorization_days: int | None = None
    invite_link: str | None = None
    country_codes: list[str] = Field(default_factory=list)
    failed_handle_names: list[str] = Field(default_factory=list)
    create_time: str | None = None
    update_time: str | None = None


class CampaignList(ApiModel):
    campaigns: list[Campaign] = Field(default_factory=list)
    page_info: PageInfo | None = None


# Linking requests: POST /tto/tcm/campaign/link/, GET /tto/tcm/campaign/link/status/
# (SDK model/tto/campaign/link.go)
class LinkRequest(ApiModel):
    tto_tcm_account_id: str
    campaign_id: str
    video_id: str
    action: LinkAction = LinkAction.LINK


class LinkInfo(ApiModel):
    video_id: str
    status: LinkStatus | None = None
    campaign_id: str | None = None
    campaign_type: str | None = None
    link_request_id: str | None = None
    number_of_requests: int | None = None
    last_reminded_timestamp: int | None = None


class LinkStatusList(ApiModel):
    video_infos: list[LinkInfo] = Field(default_factory=list)
    page_info: PageInfo | None = None


# Spark authorization: POST /tcm/tt_video/apply/, GET /tcm/tt_video/status/
# (SDK model/tcm/ttvideo/apply.go and status.go)
class ApplyRequest(ApiModel):
    video_id: str
    tcm_account_id: str
    authorization_days: int
    action: str | None = None  # "EXTEND" to extend an approved authorization


class VideoAuthorization(ApiModel):
    video_id: str | None = None
    auth_status: AuthStatus | None = None
    num_remaining_request: int | None = None
    requested_authorization_days: int | None = None
    auth_code_status: AuthCodeStatus | None = None
    auth_code_start_time: str | None = None  # UTC "YYYY-MM-DD HH:MM:SS"
    auth_code_end_time: str | None = None
    auth_code: str | None = None


# Webhook: entity TCM_VIDEOS, "a video linked to a campaign". The SDK has no body model for it;
# this is the shape the app accepts (the campaign and the video ids), to be confirmed.
class TcmVideosWebhook(ApiModel):
    entity: str = "TCM_VIDEOS"
    tto_tcm_account_id: str | None = None
    campaign_id: str
    video_ids: list[str] = Field(default_factory=list)
    video_id: str | None = None

    def all_video_ids(self) -> list[str]:
        ids = list(self.video_ids)
        if self.video_id and self.video_id not in ids:
            ids.append(self.video_id)
        return ids


PAGE_SIZE = 50
# where people switch a project's active invite link (the API lists no such switch); to be confirmed
TIKTOK_ONE_WEB_URL = "https://ads.tiktok.com/creative/creator/"


def _body(request: ApiModel) -> dict[str, Any]:
    return request.model_dump(mode="json", exclude_none=True)


@dataclass
class TikTokOneApi:
    """The TikTok One endpoints the app calls, typed (paths after `/open_api/v1.3/`)."""

    client: BusinessApiClient

    async def exchange_code(self, request: TokenRequest) -> Token:
        return await self.client.post("tt_user/oauth2/token/", _body(request), Token)

    async def accounts(self, *, app_id: str, secret: str) -> AccountList:
        return await self.client.get("tto/oauth2/tcm/", {"app_id": app_id, "secret": secret}, AccountList)

    async def brand_profiles(self, *, account_id: str) -> BrandProfileList:
        return await self.client.get(
            "tto/tcm/brand/profile/get/", {"tto_tcm_account_id": account_id}, BrandProfileList
        )

    async def create_brand_profile(self, request: BrandProfileCreateRequest) -> BrandProfile:
        return await self.client.post("tto/tcm/brand/profile/create/", _body(request), BrandProfile)

    async def anchors(self, *, account_id: str, page: int = 1) -> AnchorList:
        query = {"tto_tcm_account_id": account_id, "page": str(page), "page_size": "50"}
        return await self.client.get("tto/tcm/anchor/get/", query, AnchorList)

    async def create_anchor(self, request: AnchorCreateRequest) -> Anchor:
        return await self.client.post("tto/tcm/anchor/create/", _body(request), Anchor)

    async def create_campaign(self, request: CampaignCreateRequest) -> Campaign:
        return await self.client.post("tto/tcm/campaign/create/", _body(request), Campaign)

    async def update_campaign(self, request: CampaignUpdateRequest) -> Campaign:
        return await self.client.post("tto/tcm/campaign/update/", _body(request), Campaign)

    async def campaigns(
        self,
        *,
        account_id: str,
        campaign_ids: list[str] | None = None,
        page: int = 1,
        campaign_type: CampaignType = CampaignType.BRAND_LINK,
    ) -> CampaignList:
        params: dict[str, Any] = {
            "tto_tcm_account_id": account_id,
            "campaign_type": campaign_type.value,
            "page": page,
            "page_size": PAGE_SIZE,
            "campaign_ids": campaign_ids or None,
        }
        return await self.client.get("tto/tcm/campaign/", params, CampaignList)

    async def all_campaigns(self, *, account_id: str, max_pages: int = 20) -> list[Campaign]:
        found: list[Campaign] = []
        for page in range(1, max_pages + 1):
            answer = await self.campaigns(account_id=account_id, page=page)
            found.extend(answer.campaigns)
            if answer.page_info is None or page >= answer.page_info.total_page:
                break
        return found

    async def link(self, request: LinkRequest) -> LinkInfo:
        return await self.client.post("tto/tcm/campaign/link/", _body(request), LinkInfo)

    async def link_status(self, *, account_id: str, campaign_id: str, page: int = 1) -> LinkStatusList:
        params = {
            "tto_tcm_account_id": account_id,
            "campaign_ids": [campaign_id],
            "page": page,
            "page_size": PAGE_SIZE,
        }
        return await self.client.get("tto/tcm/campaign/link/status/", params, LinkStatusList)

    async def apply_authorization(self, request: ApplyRequest) -> VideoAuthorization:
        return await self.client.post("tcm/tt_video/apply/", _body(request), VideoAuthorization)

    async def authorization_status(self, *, account_id: str, video_id: str) -> VideoAuthorization:
        params = {"tcm_account_id": account_id, "video_id": video_id}
        return await self.client.get("tcm/tt_video/status/", params, VideoAuthorization)


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
