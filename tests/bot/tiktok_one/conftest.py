"""A server connected to the fake TikTok One (served by the fake TikTok API for Business)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.harness.fake_slack import FakeSlack
from tests.harness.fake_tiktok_business import FakeTikTokBusiness
from tests.harness.fake_tiktok_one import FakeTikTokOne
from tests.harness.server import RunningServer, start_server

WEBHOOK_SECRET = "tiktok-one-webhook-secret-0001"


@pytest.fixture
def fake_tiktok_one(fake_tiktok_business: FakeTikTokBusiness) -> FakeTikTokOne:
    return FakeTikTokOne(fake_tiktok_business, accounts=["tcm-account-1", "tcm-account-2"])


@pytest.fixture
async def server(
    fake_slack: FakeSlack,
    fake_tiktok_business: FakeTikTokBusiness,
    fake_tiktok_one: FakeTikTokOne,
    database_url: str,
) -> AsyncIterator[RunningServer]:
    running = await start_server(
        fake_slack,
        database_url,
        tiktok_business_api_url=fake_tiktok_business.url,
        tiktok_app_id=fake_tiktok_business.app_id,
        tiktok_app_secret=fake_tiktok_business.app_secret,
        tiktok_webhook_secret=WEBHOOK_SECRET,
    )
    yield running
    await running.stop()
