"""The spark-code endpoints of TikTok API for Business (`tt_video/*`), typed.

Dates come as UTC "YYYY-MM-DD HH:MM:SS" text; `business_api.parse_time` reads them.
"""

from __future__ import annotations

from pydantic import Field

from bot.tiktok.business_api import ApiModel, BusinessApiClient, Empty


class AuthInfo(ApiModel):
    ad_auth_status: str | None = None
    auth_start_time: str | None = None
    auth_end_time: str | None = None
    invite_start_time: str | None = None


class ItemInfo(ApiModel):
    auth_code: str | None = None
    item_id: str | None = None
    item_type: str | None = None
    text: str | None = None
    status: str | None = None


class UserInfo(ApiModel):
    tiktok_name: str | None = None
    identity_id: str | None = None
    identity_type: str | None = None


class VideoDetails(ApiModel):
    duration: float | None = None
    width: int | None = None
    height: int | None = None


class VideoInfo(ApiModel):
    """`GET tt_video/info/`: the video a spark code unlocks, whose it is, and until when."""

    auth_info: AuthInfo = Field(default_factory=AuthInfo)
    item_info: ItemInfo = Field(default_factory=ItemInfo)
    user_info: UserInfo = Field(default_factory=UserInfo)
    video_info: VideoDetails = Field(default_factory=VideoDetails)


class PageInfo(ApiModel):
    page: int = 1
    page_size: int = 0
    total_number: int = 0
    total_page: int = 0


class VideoList(ApiModel):
    videos: list[VideoInfo] = Field(default_factory=list, alias="list")
    page_info: PageInfo = Field(default_factory=PageInfo)


async def video_info(client: BusinessApiClient, *, advertiser_id: str, auth_code: str) -> VideoInfo:
    return await client.get(
        "tt_video/info/", {"advertiser_id": advertiser_id, "auth_code": auth_code}, VideoInfo
    )


async def authorize(client: BusinessApiClient, *, advertiser_id: str, auth_code: str) -> None:
    await client.post("tt_video/authorize/", {"advertiser_id": advertiser_id, "auth_code": auth_code}, Empty)


async def find_video(client: BusinessApiClient, *, advertiser_id: str, item_id: str) -> VideoInfo | None:
    """The post among the advertiser's authorized videos (a 19+ digit keyword matches the id)."""
    found = await client.get(
        "tt_video/list/", {"advertiser_id": advertiser_id, "keyword": item_id, "page_size": 50}, VideoList
    )
    return next((video for video in found.videos if video.item_info.item_id == item_id), None)
