"""A server connected to the fake TikTok One (served by the fake TikTok API for Business)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.harness.fake_slack import FakeSlack
from tests.harness.fake_tiktok_business import FakeTikTokBusiness
from tests.harness.fake_tiktok_one import FakeTikTokOne
from tests.harness.server import RunningServer, start_server

WEBHOOK_SECRET = "tiktok-one-webhook-secret-0001"
POLL_SECONDS = 1.0  # quick, so polling is seen within a test


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
        **fake_tiktok_business.app_settings(),
        tiktok_webhook_secret=WEBHOOK_SECRET,
        tiktok_one_poll_seconds=POLL_SECONDS,
        linking_requests_enabled=True,
    )
    yield running
    await running.stop()
