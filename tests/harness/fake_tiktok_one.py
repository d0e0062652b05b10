"""A local fake of TikTok One's endpoints, served by the fake TikTok API for Business (same host).

It keeps campaigns, linking requests and spark authorizations as the shapes in
`bot.tiktok.tiktok_one` describe them, and can call the app's `TCM_VIDEOS` webhook. Failures,
throttling and time-outs come from the Business fake's switches (`fail_next`, `throttle`, `slow`,
`http_error`), which apply to every endpoint of the host.

`create_times_out_once()` makes the next campaign create take effect in TikTok and then answer
too late, the case where the app must look before creating again.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.tiktok.tiktok_one import TcmVideosWebhook
from tests.harness.fake_tiktok_business import FakeTikTokBusiness, Reply, Request


@dataclass
class FakeCampaign:
    campaign_id: str
    account_id: str
    campaign_name: str
    brand_profile_id: str | None
    anchor_id: str | None
    days: int
    description: str = ""
    advertiser_ids: list[str] = field(default_factory=list)
    video_ids: list[str] = field(default_factory=list)
    campaign_type: str = "BRAND_LINK"

    @property
    def invite_link(self) -> str:
        return f"https://tiktokone.example/brand-link/{self.campaign_id}"

    def answer(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "campaign_type": self.campaign_type,
            "campaign_name": self.campaign_name,
            "brand_profile_id": self.brand_profile_id,
            "anchor_id": self.anchor_id,
            "campaign_description": self.description,
            "advertiser_ids": self.advertiser_ids,
            "video_ids": self.video_ids,
            "spark_ads_requested_authorization_days": self.days,
            "invite_link": self.invite_link,
            "country_codes": ["US"],
            "create_time": "2026-11-25 10:00:00",
        }


@dataclass
class FakeLink:
    campaign_id: str
    video_id: str
    status: str = "IN_REVIEW"
    link_request_id: str = ""


@dataclass
class FakeAuthorization:
    video_id: str
    days: int
    status: str = "WAITING"
    auth_code: str | None = None
    start: str | None = None
    end: str | None = None


class FakeTikTokOne:
    def __init__(self, business: FakeTikTokBusiness, *, accounts: list[str] | None = None) -> None:
        self.business = business
        self.accounts = accounts or ["tcm-account-1"]
        self.campaigns: dict[str, FakeCampaign] = {}
        self.links: dict[tuple[str, str], FakeLink] = {}
        self.authorizations: dict[str, FakeAuthorization] = {}
        self._ids = itertools.count(7400000000000000001)
        self._late_creates = 0
        self.oauth_codes: dict[str, str] = {}  # auth_code → token
        add = business.add_endpoint
        add("POST", "tt_user/oauth2/token/", self._token, auth=False)
        add("GET", "tto/oauth2/tcm/", self._accounts)
        add("POST", "tto/tcm/campaign/create/", self._create)
        add("POST", "tto/tcm/campaign/update/", self._update)
        add("GET", "tto/tcm/campaign/", self._campaigns)
        add("POST", "tto/tcm/campaign/link/", self._link)
        add("GET", "tto/tcm/campaign/link/status/", self._link_status)
        add("POST", "tcm/tt_video/apply/", self._apply)
        add("GET", "tcm/tt_video/status/", self._status)
        add("GET", "tto/tcm/brand/profile/get/", self._brand_profiles)
        self.brand_profiles: list[dict[str, str]] = []
        add("POST", "tto/tcm/brand/profile/create/", self._brand_create)
        add("GET", "tto/tcm/anchor/get/", self._anchors)
        add("POST", "tto/tcm/anchor/create/", self._anchor_create)
        self.anchors: list[dict[str, Any]] = []
        self.anchor_listing_refused = False  # an account that may not list anchors

    # --- what tests set up or do as TikTok, creators and TikTok One users ------------------------

    def add_oauth_code(self, auth_code: str, *, token: str) -> None:
        self.oauth_codes[auth_code] = token
        self.business.auth_codes.setdefault(auth_code, (token, []))  # the fake page hands it out

    def add_campaign(self, name: str, *, account_id: str | None = None, days: int = 30) -> FakeCampaign:
        """A lite project someone made in TikTok One itself."""
        campaign = FakeCampaign(
            str(next(self._ids)), account_id or self.accounts[0], name, "bp-1", "anchor-1", days
        )
        self.campaigns[campaign.campaign_id] = campaign
        return campaign

    def create_times_out_once(self, seconds: float) -> None:
        self._late_creates += 1
        self._late_delay = seconds

    def deliver(self, campaign_id: str, video_id: str) -> None:
        """A creator delivers a video through TikTok One's invite link."""
        videos = self.campaigns[campaign_id].video_ids
        if video_id not in videos:
            videos.append(video_id)

    def answer_link(self, campaign_id: str, video_id: str, status: str) -> None:
        """The creator approves (APPROVE) or rejects (REJECTED) a linking request."""
        self.links[(campaign_id, video_id)].status = status
        if status == "APPROVE":
            self.deliver(campaign_id, video_id)

    def creator_authorizes(self, video_id: str, *, auth_code: str, end: str = "2027-11-25 00:00:00") -> None:
        authorization = self.authorizations[video_id]
        authorization.status = "ACCEPTED"
        authorization.auth_code = auth_code
        authorization.start = "2026-11-25 00:00:00"
        authorization.end = end

    async def call_webhook(self, url: str, body: dict[str, Any], *, signature: str | None) -> int:
        """POST a webhook to the app as TikTok would; returns the HTTP status."""
        TcmVideosWebhook.model_validate(body)  # the fake only sends what the app's shape accepts
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["TikTok-Signature"] = signature
        async with aiohttp.ClientSession() as http, http.post(url, data=raw, headers=headers) as response:
            return response.status

    def calls(self, path: str) -> list[Request]:
        return self.business.calls_to(path)

    # --- endpoints ------------------------------------------------------------------------------

    def _token(self, call: Request) -> Reply:
        if (
            call.body.get("client_id") != self.business.app_id
            or call.body.get("client_secret") != self.business.app_secret
        ):
            return Reply(code=40001, message="client_id or client_secret is invalid")
        token = self.oauth_codes.pop(str(call.body.get("auth_code", "")), None)
        if token is None:
            return Reply(code=40002, message="auth_code is invalid or expired")
        self.business.auth_codes.pop(str(call.body.get("auth_code", "")), None)
        self.business.add_token(token, [])
        return Reply(data={"access_token": token, "refresh_token": f"r-{token}", "expires_in": 86400})

    def _accounts(self, call: Request) -> Reply:
        if call.query.get("app_id") != self.business.app_id:
            return Reply(code=40001, message="app_id is invalid")
        return Reply(data={"tto_tcm_account_ids": self.accounts})

    def _account(self, call: Request) -> str | Reply:
        account = call.query.get("tto_tcm_account_id") or str(call.body.get("tto_tcm_account_id", ""))
        if account not in self.accounts:
            return Reply(code=40001, message=f"No permission for TikTok One account {account}")
        return account

    async def _create(self, call: Request) -> Reply:
        account = self._account(call)
        if isinstance(account, Reply):
            return account
        body = call.body
        if body.get("campaign_type") != "BRAND_LINK" or not body.get("campaign_name"):
            return Reply(code=40002, message="campaign_type and campaign_name are required")
        days = int(body.get("default_spark_ads_requested_authorization_days") or 0)
        if days not in (7, 30, 60, 365):
            return Reply(code=40002, message="default_spark_ads_requested_authorization_days is invalid")
        campaign = FakeCampaign(
            str(next(self._ids)),
            account,
            str(body["campaign_name"]),
            body.get("brand_profile_id"),
            body.get("anchor_id"),
            days,
            str(body.get("campaign_description") or ""),
            [str(a) for a in body.get("advertiser_ids") or []],
        )
        self.campaigns[campaign.campaign_id] = campaign
        if self._late_creates:
            self._late_creates -= 1
            await asyncio.sleep(self._late_delay)  # made, but the answer comes too late
        return Reply(data=campaign.answer())

    def _update(self, call: Request) -> Reply:
        account = self._account(call)
        if isinstance(account, Reply):
            return account
        campaign = self.campaigns.get(str(call.body.get("campaign_id", "")))
        if campaign is None or campaign.account_id != account:
            return Reply(code=40002, message="campaign_id is invalid")
        for frozen in ("brand_profile_id", "anchor_id", "default_spark_ads_requested_authorization_days"):
            if frozen in call.body:
                return Reply(code=40002, message=f"{frozen} can't be updated")
        if call.body.get("campaign_name"):
            campaign.campaign_name = str(call.body["campaign_name"])
        if "campaign_description" in call.body:
            campaign.description = str(call.body["campaign_description"])
        if call.body.get("advertiser_ids"):
            campaign.advertiser_ids = [str(a) for a in call.body["advertiser_ids"]]
        return Reply(data=campaign.answer())

    def _campaigns(self, call: Request) -> Reply:
        account = self._account(call)
        if isinstance(account, Reply):
            return account
        wanted = json.loads(call.query["campaign_ids"]) if "campaign_ids" in call.query else None
        found = [
            c.answer()
            for c in self.campaigns.values()
            if c.account_id == account
            and c.campaign_type == call.query.get("campaign_type", c.campaign_type)
            and (wanted is None or c.campaign_id in wanted)
        ]
        return Reply(
            data={
                "campaigns": found,
                "page_info": {"page": 1, "page_size": 50, "total_number": len(found), "total_page": 1},
            }
        )

    def _link(self, call: Request) -> Reply:
        account = self._account(call)
        if isinstance(account, Reply):
            return account
        campaign_id, video_id = str(call.body.get("campaign_id", "")), str(call.body.get("video_id", ""))
        if campaign_id not in self.campaigns or not video_id.isdigit():
            return Reply(code=40002, message="campaign_id or video_id is invalid")
        link = self.links.get((campaign_id, video_id))
        if call.body.get("action") == "REVOKE":
            if link is None:
                return Reply(code=40002, message="no linking request for this video")
            link.status = "REVOKE"
        elif link is None:
            link = self.links[(campaign_id, video_id)] = FakeLink(
                campaign_id, video_id, link_request_id=f"lr-{len(self.links) + 1}"
            )
        return Reply(
            data={
                "video_id": video_id,
                "campaign_id": campaign_id,
                "status": link.status,
                "link_request_id": link.link_request_id,
                "number_of_requests": 1,
            }
        )

    def _link_status(self, call: Request) -> Reply:
        account = self._account(call)
        if isinstance(account, Reply):
            return account
        wanted = json.loads(call.query.get("campaign_ids", "[]"))
        infos = [
            {
                "video_id": link.video_id,
                "campaign_id": link.campaign_id,
                "status": link.status,
                "link_request_id": link.link_request_id,
            }
            for link in self.links.values()
            if link.campaign_id in wanted
        ]
        return Reply(
            data={
                "video_infos": infos,
                "page_info": {"page": 1, "page_size": 50, "total_number": len(infos), "total_page": 1},
            }
        )

    def _apply(self, call: Request) -> Reply:
        if str(call.body.get("tcm_account_id", "")) not in self.accounts:
            return Reply(code=40001, message="No permission for this TikTok One account")
        video_id = str(call.body.get("video_id", ""))
        days = int(call.body.get("authorization_days") or 30)
        if days not in (7, 30, 60, 365) or not video_id.isdigit():
            return Reply(code=40002, message="video_id or authorization_days is invalid")
        authorization = self.authorizations.setdefault(video_id, FakeAuthorization(video_id, days))
        return Reply(data={"video_id": video_id, "auth_status": authorization.status})

    def _brand_profiles(self, call: Request) -> Reply:
        account = self._account(call)
        if isinstance(account, Reply):
            return account
        return Reply(data={"brand_profiles": self.brand_profiles})

    def _brand_create(self, call: Request) -> Reply:
        account = self._account(call)
        if isinstance(account, Reply):
            return account
        name = str(call.body.get("brand_name") or "")
        if not name or len(name) > 60:
            return Reply(code=40002, message="brand_name is required (60 characters at most)")
        if any(p["brand_name"] == name for p in self.brand_profiles):
            return Reply(code=40002, message="a brand profile of that name exists")
        profile = {"brand_profile_id": f"bp-{next(self._ids)}", "brand_name": name}
        if call.body.get("brand_website"):
            profile["brand_website"] = str(call.body["brand_website"])
        self.brand_profiles.append(profile)
        return Reply(data=profile)

    def _anchors(self, call: Request) -> Reply:
        account = self._account(call)
        if isinstance(account, Reply):
            return account
        if self.anchor_listing_refused:
            return Reply(code=40002, message="anchor listing is not available for this account")
        return Reply(data={"anchors": self.anchors, "page_info": {"page": 1, "total_page": 1}})

    def _anchor_create(self, call: Request) -> Reply:
        account = self._account(call)
        if isinstance(account, Reply):
            return account
        if not call.body.get("anchor_name") or not call.body.get("anchor_type"):
            return Reply(code=40002, message="anchor_name and anchor_type are required")
        anchor = {
            "anchor_id": f"anchor-{next(self._ids)}",
            "anchor_name": str(call.body["anchor_name"]),
            "anchor_type": str(call.body["anchor_type"]),
            "status": "DRAFT",
            "country_code": call.body.get("country_code"),
            "call_to_action": call.body.get("call_to_action"),
        }
        self.anchors.append(anchor)
        return Reply(data=anchor)

    def _status(self, call: Request) -> Reply:
        authorization = self.authorizations.get(call.query.get("video_id", ""))
        if authorization is None:
            return Reply(code=40002, message="no authorization request for this video")
        data: dict[str, Any] = {
            "video_id": authorization.video_id,
            "auth_status": authorization.status,
            "num_remaining_request": 29,
            "requested_authorization_days": authorization.days,
        }
        if authorization.auth_code:
            data.update(
                auth_code=authorization.auth_code,
                auth_code_status="NOT_USED",
                auth_code_start_time=authorization.start,
                auth_code_end_time=authorization.end,
            )
        return Reply(data=data)
