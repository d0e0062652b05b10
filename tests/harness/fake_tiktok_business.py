"""A local fake of TikTok API for Business (v1.3): checks `Access-Token`, answers the envelope.

Every answer is HTTP 200 with `{"code", "message", "request_id", "data"}`, as TikTok's. Endpoints
live in `endpoints[(method, path)]` (path after `/open_api/v1.3/`), so a test module can add its
own with `add_endpoint` (e.g. TikTok One or reports) before or after the fake starts; the
spark-code endpoints (`tt_video/info|authorize|list`), the advertiser OAuth exchange and the
authorization page are built in.

Switches: `fail_next(code, message)` answers the next calls with an error code; `throttle()`
answers TikTok's QPS code; `slow(seconds)` delays; `http_error(status)` answers a bare HTTP error;
`revoke(token)` makes a token answer 40105 from then on.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

PREFIX = "/open_api/v1.3/"
QPS_LIMIT_CODE = 40100
TOKEN_REVOKED_CODE = 40105
NO_PERMISSION_CODE = 40001
INVALID_AUTH_CODE = 40002  # parameter error: the spark code is unknown / malformed
EXPIRED_AUTH_CODE = 40003  # TikTok answers an expired spark code with a parameter error too


@dataclass
class Request:
    method: str
    path: str  # after /open_api/v1.3/
    token: str | None
    query: dict[str, str]
    body: dict[str, Any]


@dataclass
class Reply:
    """What a handler answers: the envelope's `data`, or an error `code` and `message`."""

    data: dict[str, Any] | None = None
    code: int = 0
    message: str = "OK"


@dataclass
class Failure:
    code: int = 0
    message: str = ""
    delay: float = 0.0
    http_status: int = 200


@dataclass
class FakeSparkCode:
    """A spark code as TikTok knows it: the video it unlocks, its dates, its status."""

    auth_code: str
    item_id: str
    auth_start_time: str = "2026-11-01 00:00:00"
    auth_end_time: str = "2027-11-01 00:00:00"
    ad_auth_status: str = "AUTHORIZED"
    tiktok_name: str = "creator"
    expired: bool = False
    # advertiser ids that already use it; authorize adds to it
    authorized_for: set[str] = field(default_factory=set)


Handler = Callable[[Request], Awaitable[Reply] | Reply]


class FakeTikTokBusiness:
    def __init__(self) -> None:
        self.tokens: dict[str, list[str]] = {}  # a valid access token → advertiser ids it may act for
        self.revoked: set[str] = set()
        self.app_id = "fake-app-id"
        self.app_secret = "fake-app-secret"
        self.auth_codes: dict[str, tuple[str, list[str]]] = {}  # OAuth auth_code → (token, advertisers)
        self.spark_codes: dict[str, FakeSparkCode] = {}
        self.refuse_authorize: dict[str, tuple[int, str]] = {}  # advertiser id → (code, message)
        self.calls: list[Request] = []
        self.endpoints: dict[tuple[str, str], Handler] = {}
        self._failures: deque[Failure] = deque()
        self._request_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.add_endpoint("GET", "tt_video/info/", self._info)
        self.add_endpoint("POST", "tt_video/authorize/", self._authorize)
        self.add_endpoint("GET", "tt_video/list/", self._list)
        self.add_endpoint("POST", "oauth2/access_token/", self._access_token, auth=False)

    def app_settings(self) -> dict[str, Any]:
        """The app's settings that point it at this fake, with the TikTok app's id and secret."""
        return {
            "tiktok_business_api_url": self.url,
            "tiktok_app_id": self.app_id,
            "tiktok_app_secret": self.app_secret,
        }

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", PREFIX + "{path:.*}", self._dispatch)
        app.router.add_get("/portal/auth", self._portal_auth)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests set up ----------------------------------------------------------------------

    def add_endpoint(self, method: str, path: str, handler: Handler, *, auth: bool = True) -> None:
        """Answer `method path` with `handler`; `auth`: a valid Access-Token is required first."""
        self.endpoints[(method.upper(), path.lstrip("/"))] = handler if not auth else self._authed(handler)

    def add_token(self, token: str, advertiser_ids: list[str]) -> None:
        self.tokens[token] = list(advertiser_ids)

    def revoke(self, token: str) -> None:
        self.revoked.add(token)

    def add_oauth_code(self, auth_code: str, *, token: str, advertiser_ids: list[str]) -> None:
        """An authorization TikTok will grant: exchanging `auth_code` gives `token`."""
        self.auth_codes[auth_code] = (token, list(advertiser_ids))

    def add_spark_code(self, auth_code: str, item_id: str, **values: Any) -> FakeSparkCode:
        code = self.spark_codes[auth_code] = FakeSparkCode(auth_code, item_id, **values)
        return code

    def fail_next(self, code: int, message: str = "Error", *, times: int = 1) -> None:
        self._failures.extend(Failure(code=code, message=message) for _ in range(times))

    def throttle(self, *, times: int = 1) -> None:
        self.fail_next(QPS_LIMIT_CODE, "Requests made too frequently", times=times)

    def slow(self, seconds: float, *, times: int = 1) -> None:
        self._failures.extend(Failure(delay=seconds) for _ in range(times))

    def http_error(self, status: int = 503, *, times: int = 1) -> None:
        self._failures.extend(Failure(http_status=status) for _ in range(times))

    def calls_to(self, path: str) -> list[Request]:
        return [call for call in self.calls if call.path == path.lstrip("/")]

    # --- the server -----------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        body: dict[str, Any] = {}
        if request.can_read_body:
            try:
                loaded = json.loads(await request.text() or "{}")
                body = loaded if isinstance(loaded, dict) else {}
            except json.JSONDecodeError:
                return self._envelope(Reply(code=40002, message="Invalid JSON"))
        call = Request(request.method, path, request.headers.get("Access-Token"), dict(request.query), body)
        self.calls.append(call)
        if self._failures:
            failure = self._failures.popleft()
            if failure.delay:
                await asyncio.sleep(failure.delay)
            if failure.http_status != 200:
                return web.json_response({"message": "error"}, status=failure.http_status)
            if failure.code:
                return self._envelope(Reply(code=failure.code, message=failure.message))
        handler = self.endpoints.get((request.method, path))
        if handler is None:
            return self._envelope(Reply(code=40002, message=f"Unknown API {path}"))
        reply = handler(call)
        if not isinstance(reply, Reply):
            reply = await reply
        return self._envelope(reply)

    def _envelope(self, reply: Reply) -> web.Response:
        return web.json_response(
            {
                "code": reply.code,
                "message": reply.message,
                "request_id": f"fake-{next(self._request_ids):06d}",
                "data": reply.data if reply.data is not None else {},
            }
        )

    def _authed(self, handler: Handler) -> Handler:
        async def checked(call: Request) -> Reply:
            if not call.token:
                return Reply(code=40104, message="Access token is null")
            if call.token in self.revoked:
                return Reply(
                    code=TOKEN_REVOKED_CODE, message="Access token is incorrect or has been revoked."
                )
            if call.token not in self.tokens:
                return Reply(
                    code=TOKEN_REVOKED_CODE, message="Access token is incorrect or has been revoked."
                )
            advertiser = call.query.get("advertiser_id") or str(call.body.get("advertiser_id", ""))
            if advertiser and advertiser not in self.tokens[call.token]:
                return Reply(
                    code=NO_PERMISSION_CODE,
                    message=f"No permission to operate advertiser {advertiser}",
                )
            reply = handler(call)
            return reply if isinstance(reply, Reply) else await reply

        return checked

    async def _portal_auth(self, request: web.Request) -> web.Response:
        """TikTok's authorization page, approved at once: back to the redirect with a code."""
        if request.query.get("app_id") != self.app_id:
            return web.Response(status=400, text="unknown app")
        auth_code = request.query.get("test_auth_code") or next(iter(self.auth_codes), "no-code")
        query = urlencode(
            {"auth_code": auth_code, "code": auth_code, "state": request.query.get("state", "")}
        )
        raise web.HTTPFound(f"{request.query.get('redirect_uri', '')}?{query}")

    # --- built-in endpoints --------------------------------------------------------------------

    def _access_token(self, call: Request) -> Reply:
        if call.body.get("app_id") != self.app_id or call.body.get("secret") != self.app_secret:
            return Reply(code=40001, message="App id or secret is invalid")
        grant = self.auth_codes.pop(str(call.body.get("auth_code", "")), None)
        if grant is None:
            return Reply(code=40002, message="auth_code is invalid or expired")
        token, advertisers = grant
        self.add_token(token, advertisers)
        return Reply(
            data={"access_token": token, "advertiser_ids": advertisers, "scope": [4, 5, 6]},
        )

    def _video(self, code: FakeSparkCode) -> dict[str, Any]:
        return {
            "auth_info": {
                "ad_auth_status": code.ad_auth_status,
                "auth_start_time": code.auth_start_time,
                "auth_end_time": code.auth_end_time,
                "invite_start_time": code.auth_start_time,
            },
            "item_info": {
                "auth_code": code.auth_code,
                "item_id": code.item_id,
                "item_type": "VIDEO",
                "status": "ENABLE",
                "text": "My morning routine",
            },
            "user_info": {
                "tiktok_name": code.tiktok_name,
                "identity_id": f"id-{code.tiktok_name}",
                "identity_type": "AUTH_CODE",
            },
            "video_info": {
                "duration": 15.0,
                "width": 1080,
                "height": 1920,
                "poster_url": "https://example.invalid/p.jpg",
            },
        }

    def _spark_code(self, auth_code: str) -> FakeSparkCode | Reply:
        code = self.spark_codes.get(auth_code)
        if code is None:
            return Reply(code=INVALID_AUTH_CODE, message="The auth_code is invalid.")
        if code.expired:
            return Reply(code=EXPIRED_AUTH_CODE, message="The authorization code has expired.")
        return code

    def _info(self, call: Request) -> Reply:
        found = self._spark_code(call.query.get("auth_code", ""))
        return found if isinstance(found, Reply) else Reply(data=self._video(found))

    def _authorize(self, call: Request) -> Reply:
        advertiser = str(call.body.get("advertiser_id", ""))
        if advertiser in self.refuse_authorize:
            code, message = self.refuse_authorize[advertiser]
            return Reply(code=code, message=message)
        found = self._spark_code(str(call.body.get("auth_code", "")))
        if isinstance(found, Reply):
            return found
        if advertiser in found.authorized_for:
            return Reply(code=40002, message="The video has already been authorized to this advertiser.")
        found.authorized_for.add(advertiser)
        return Reply(data={})

    def _list(self, call: Request) -> Reply:
        advertiser = call.query.get("advertiser_id", "")
        keyword = call.query.get("keyword")
        videos = [
            self._video(code)
            for code in self.spark_codes.values()
            if advertiser in code.authorized_for and (keyword is None or code.item_id == keyword)
        ]
        return Reply(
            data={
                "list": videos,
                "page_info": {"page": 1, "page_size": 50, "total_number": len(videos), "total_page": 1},
            }
        )
