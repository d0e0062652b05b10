"""The TikTok API for Business client against the fake Business API: envelope, errors, transport."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.tiktok.business_api import (
    BusinessApiClient,
    BusinessApiUnavailable,
    Empty,
    Envelope,
    TikTokApiError,
    parse_time,
)
from bot.tiktok.tt_video import VideoInfo
from tests.harness.fake_tiktok_business import FakeTikTokBusiness

TOKEN = "act.business-token-1"
ADVERTISER = "7000000000000000001"
VIDEO_ID = "7301234567890123456"
CODE = "#Abc+def/123=="


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(fake_tiktok_business: FakeTikTokBusiness, http: aiohttp.ClientSession) -> BusinessApiClient:
    fake_tiktok_business.add_token(TOKEN, [ADVERTISER])
    return BusinessApiClient(http, TOKEN, fake_tiktok_business.url, timeout=1.0)


async def test_info_answers_typed_data_and_sends_the_token_and_the_code_intact(
    client: BusinessApiClient, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.add_spark_code(CODE, VIDEO_ID, auth_end_time="2027-01-31 12:00:00")

    info = await client.get("tt_video/info/", {"advertiser_id": ADVERTISER, "auth_code": CODE}, VideoInfo)

    assert info.item_info.item_id == VIDEO_ID
    assert info.auth_info.auth_end_time == "2027-01-31 12:00:00"
    [call] = fake_tiktok_business.calls_to("tt_video/info/")
    assert call.token == TOKEN
    assert call.query["auth_code"] == CODE  # `+`, `/`, `=` and `#` survive the query string


async def test_a_non_zero_code_is_an_error_with_tiktoks_code_and_request_id(
    client: BusinessApiClient, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    with pytest.raises(TikTokApiError) as raised:
        await client.get("tt_video/info/", {"advertiser_id": ADVERTISER, "auth_code": "nope"}, VideoInfo)

    assert raised.value.code == 40002
    assert raised.value.request_id and raised.value.request_id.startswith("fake-")
    assert not raised.value.retryable and not raised.value.auth_failed


async def test_errors_are_classified(
    client: BusinessApiClient, fake_tiktok_business: FakeTikTokBusiness, caplog: pytest.LogCaptureFixture
) -> None:
    fake_tiktok_business.throttle()
    with pytest.raises(TikTokApiError) as throttled:
        await client.post("tt_video/authorize/", {"advertiser_id": ADVERTISER, "auth_code": CODE}, Empty)
    assert throttled.value.throttled and throttled.value.retryable

    fake_tiktok_business.fail_next(50002, "Internal service error")
    with pytest.raises(TikTokApiError) as server:
        await client.post("tt_video/authorize/", {"advertiser_id": ADVERTISER, "auth_code": CODE}, Empty)
    assert server.value.server_error and server.value.retryable and not server.value.throttled

    with pytest.raises(TikTokApiError) as other:
        await client.post(
            "tt_video/authorize/", {"advertiser_id": "7000000000000000999", "auth_code": CODE}, Empty
        )
    assert other.value.permission_denied and not other.value.auth_failed

    caplog.set_level(logging.DEBUG)
    fake_tiktok_business.revoke(TOKEN)
    with pytest.raises(TikTokApiError) as revoked:
        await client.get("tt_video/info/", {"advertiser_id": ADVERTISER, "auth_code": CODE}, VideoInfo)
    assert revoked.value.auth_failed and not revoked.value.retryable
    assert revoked.value.request_id is not None and revoked.value.request_id in caplog.text
    assert TOKEN not in caplog.text and TOKEN not in repr(client)


async def test_transport_trouble_is_unavailable(
    client: BusinessApiClient, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    fake_tiktok_business.http_error(503)
    with pytest.raises(BusinessApiUnavailable):
        await client.get("tt_video/list/", {"advertiser_id": ADVERTISER}, Empty)

    fake_tiktok_business.slow(3.0)
    with pytest.raises(BusinessApiUnavailable, match="didn't answer"):
        await client.get("tt_video/list/", {"advertiser_id": ADVERTISER}, Empty)

    unreachable = BusinessApiClient(client.http, TOKEN, "http://127.0.0.1:9", timeout=1.0)
    with pytest.raises(BusinessApiUnavailable):
        await unreachable.get("tt_video/list/", {"advertiser_id": ADVERTISER}, Empty)


async def test_list_parameters_go_as_json(
    client: BusinessApiClient, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    await client.get(
        "tt_video/list/", {"advertiser_id": ADVERTISER, "item_types": ["VIDEO"], "page": 1}, Empty
    )

    [call] = fake_tiktok_business.calls_to("tt_video/list/")
    assert call.query["item_types"] == '["VIDEO"]'
    assert call.query["page"] == "1"


def test_the_envelope_is_generic() -> None:
    envelope = Envelope[VideoInfo].model_validate(
        {"code": 0, "message": "OK", "request_id": "r1", "data": {"item_info": {"item_id": VIDEO_ID}}}
    )
    assert envelope.data is not None and envelope.data.item_info.item_id == VIDEO_ID


# TikTok's times ("YYYY-MM-DD HH:MM:SS", UTC) read as aware datetimes
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-25 10:30:00", dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC)),
        (" 2027-01-01 00:00:05 ", dt.datetime(2027, 1, 1, 0, 0, 5, tzinfo=dt.UTC)),
    ],
)
def test_a_tiktok_time_is_utc(value: str, expected: dt.datetime) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "2026-13-01 00:00:00", "2026-11-25", "25/11/2026 10:30:00", "2026-11-25T10:30:00Z"]
)
def test_an_absent_or_garbled_time_is_none(value: str | None) -> None:
    assert parse_time(value) is None
