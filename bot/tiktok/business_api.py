"""TikTok API for Business (Marketing API v1.3): one typed async client, one envelope.

Every answer is HTTP 200 with `{"code", "message", "request_id", "data"}`; `code` 0 is success,
anything else is an error (QPS limits included), so errors are read from the envelope, not from
the HTTP status. Callers get the typed `data` or a `TikTokApiError`; transport trouble (timeouts,
HTTP 5xx, an answer that isn't the envelope) is `BusinessApiUnavailable`, always worth retrying.

Error classes used here (TikTok's "Return codes" page; the message text varies, the codes don't):
- throttling: 40100 ("requests made too frequently"), 40016 (too many requests for this
  resource), 51xxx (flow control / "system busy") — retry after a pause;
- auth failures: 40102 (access token expired), 40104 (access token empty), 40105 (access token
  incorrect or revoked), 40106/40107 (token or app not authorized / disabled) — the connection
  needs reconnecting, retrying can't help;
- permission: 40001 (no permission for this advertiser or resource) — the token works, but not
  for that account;
- server errors: 50000, 50002 and other 5xxxx — retry with backoff.

Only the code and `request_id` are logged (never the token, never shown in Slack). Dates come as
UTC "YYYY-MM-DD HH:MM:SS" text (TikTok One's too); `parse_time` reads them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import aiohttp
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.tiktok.pauses import retry_after

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://business-api.tiktok.com"
API_PREFIX = "/open_api/v1.3/"
TIMEOUT_SECONDS = 10.0
MAX_ANSWER_BYTES = 4 * 1024 * 1024

THROTTLING_CODES = frozenset({40100, 40016})
AUTH_FAILURE_CODES = frozenset({40102, 40104, 40105, 40106, 40107})
PERMISSION_CODES = frozenset({40001})
SERVER_ERROR_CODES = frozenset({50000, 50002})

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class Envelope(BaseModel, Generic[T]):
    """TikTok's answer around every payload."""

    model_config = ConfigDict(extra="ignore")

    code: int
    message: str = ""
    request_id: str | None = None
    data: T | None = None


class ApiModel(BaseModel):
    """Base for response payloads: unknown fields are ignored (TikTok adds them freely)."""

    model_config = ConfigDict(extra="ignore")


class Empty(ApiModel):
    """A payload the caller doesn't read (e.g. `tt_video/authorize/` answers `{}`)."""


def parse_time(value: str | None) -> dt.datetime | None:
    """TikTok's "YYYY-MM-DD HH:MM:SS" (UTC) as an aware datetime; None when absent or garbled."""
    if not value:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


class TikTokApiError(Exception):
    """TikTok answered with a non-zero `code`."""

    def __init__(self, code: int, message: str, request_id: str | None = None) -> None:
        super().__init__(f"TikTok API error {code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id

    @property
    def throttled(self) -> bool:
        return self.code in THROTTLING_CODES or 51000 <= self.code < 52000

    @property
    def auth_failed(self) -> bool:
        """The token is expired, revoked or invalid: the connection must be made again."""
        return self.code in AUTH_FAILURE_CODES

    @property
    def permission_denied(self) -> bool:
        """The token is fine but may not act for this advertiser or resource."""
        return self.code in PERMISSION_CODES

    @property
    def server_error(self) -> bool:
        return self.code in SERVER_ERROR_CODES or (50000 <= self.code < 60000 and not self.throttled)

    @property
    def retryable(self) -> bool:
        return self.throttled or self.server_error


class BusinessApiUnavailable(Exception):
    """TikTok couldn't be reached or answered something other than the envelope: try later."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _query_value(value: Any) -> str:
    # TikTok reads list and object parameters of GET requests as JSON text
    if isinstance(value, list | tuple | dict):
        return json.dumps(list(value) if isinstance(value, tuple) else value, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class BusinessApiClient:
    """Calls `<base_url>/open_api/v1.3/<path>` with the `Access-Token` header.

    `http` is one shared aiohttp session (the job runner's); `access_token` None sends no token
    (the OAuth code exchange authenticates with the app's secret instead).
    """

    http: aiohttp.ClientSession
    access_token: str | None
    base_url: str = DEFAULT_BASE_URL
    timeout: float = TIMEOUT_SECONDS
    extra_headers: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # never show the token, even in a traceback's locals
        return f"BusinessApiClient(base_url={self.base_url!r})"

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + API_PREFIX + path.lstrip("/")

    async def get(self, path: str, params: dict[str, Any], model: type[M]) -> M:
        query = {name: _query_value(value) for name, value in params.items() if value is not None}
        return await self._call("GET", path, model, params=query)

    async def post(self, path: str, json: dict[str, Any], model: type[M]) -> M:
        return await self._call("POST", path, model, json=json)

    async def _call(self, method: str, path: str, model: type[M], **kwargs: Any) -> M:
        headers = {"Accept": "application/json", **self.extra_headers}
        if self.access_token is not None:
            headers["Access-Token"] = self.access_token
        try:
            async with self.http.request(
                method,
                self.url(path),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                allow_redirects=False,
                **kwargs,
            ) as response:
                if response.status == 429:
                    raise BusinessApiUnavailable("TikTok is rate limiting", retry_after=retry_after(response))
                if response.status != 200:
                    raise BusinessApiUnavailable(f"TikTok answered HTTP {response.status}")
                body = await response.content.read(MAX_ANSWER_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise BusinessApiUnavailable(f"TikTok didn't answer ({type(exc).__name__})") from None
        if len(body) > MAX_ANSWER_BYTES:
            raise BusinessApiUnavailable("TikTok's answer was too large")
        try:
            envelope = Envelope[Any].model_validate_json(body)
        except ValidationError:
            raise BusinessApiUnavailable("TikTok's answer wasn't the expected JSON") from None
        if envelope.code != 0:
            log.warning(
                "TikTok API %s %s answered code %s (request_id %s)",
                method,
                path,
                envelope.code,
                envelope.request_id,
            )
            raise TikTokApiError(envelope.code, envelope.message, envelope.request_id)
        try:
            return model.model_validate(envelope.data if envelope.data is not None else {})
        except ValidationError:
            log.warning(
                "TikTok API %s %s: unexpected data (request_id %s)", method, path, envelope.request_id
            )
            raise BusinessApiUnavailable("TikTok's answer wasn't the expected shape") from None
