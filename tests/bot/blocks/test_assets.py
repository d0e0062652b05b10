"""The asset renderers stay valid Block Kit within Slack's limits, whatever the data."""

from __future__ import annotations

import pytest

from bot.blocks.assets import (
    MARKETS,
    render_ads_account_list,
    render_ads_account_modal,
    render_ads_account_saved,
    render_anchor_list,
    render_anchor_modal,
    render_anchor_saved,
    render_brand_list,
    render_brand_modal,
    render_brand_saved,
)
from bot.services.assets import COUNTRY_CODES, NextStep
from storage.models import AdsAccount, Anchor, AnchorKind, BrandProfile
from tests.harness.fake_slack import check_blocks, check_view


def test_every_modal_is_a_valid_view_with_short_titles() -> None:
    views = [
        render_brand_modal(channel_id="C1"),
        render_brand_modal(channel_id=None, brand=brand(1)),
        render_ads_account_modal(channel_id="C1"),
        render_anchor_modal(channel_id="C1"),
    ]
    for view in views:
        assert check_view(view) is None
        assert len(view["title"]["text"]) <= 24
        assert len(view["submit"]["text"]) <= 24


def test_every_market_offered_is_a_real_country_code() -> None:
    assert set(MARKETS) <= COUNTRY_CODES
    assert len(COUNTRY_CODES) == 249
    assert len(MARKETS) <= 100


@pytest.mark.parametrize("count", [1, 44, 45, 46, 300])
def test_long_lists_stay_within_a_messages_block_limit(count: int) -> None:
    rendered = [
        render_brand_list([brand(i) for i in range(count)]),
        render_ads_account_list([account(i) for i in range(count)]),
        render_anchor_list([anchor(i) for i in range(count)]),
    ]
    for message in rendered:
        assert check_blocks(message["blocks"]) is None
        assert len(message["text"]) <= 3000
    brands_shown = [b for b in rendered[0]["blocks"] if "accessory" in b]
    assert len(brands_shown) == min(count, 45)
    if count > 45:
        assert f"Showing 45 of {count} brand profiles" in str(rendered[0]["blocks"][-1])


def test_confirmations_are_valid_and_carry_one_next_action() -> None:
    for message in [
        render_brand_saved(brand(1), created=True, next_step=NextStep.ADD_ADS_ACCOUNT),
        render_ads_account_saved(account(1), next_step=NextStep.ADD_ANCHOR),
        render_anchor_saved(anchor(1), next_step=NextStep.CREATE_PROJECT),
    ]:
        assert check_blocks(message["blocks"]) is None
        assert message["text"].count("Next: ") == 1


# --- data -----------------------------------------------------------------------------------------


def brand(i: int) -> BrandProfile:
    return BrandProfile(
        id=i,
        workspace_id=1,
        name=f"Brand {i} " + "x" * 90,
        website=f"https://brand{i}.example",
        domain=f"brand{i}.example",
        contact_email=f"partners@brand{i}.example",
        logo_url=f"https://brand{i}.example/logo.png",
    )


def account(i: int) -> AdsAccount:
    return AdsAccount(id=i, workspace_id=1, advertiser_id=f"{7_000_000_000_000 + i}", display_name="A" * 100)


def anchor(i: int) -> Anchor:
    return Anchor(
        id=i,
        workspace_id=1,
        kind=AnchorKind.GAMING,
        name=f"Anchor {i} " + "y" * 90,
        country="US",
        ios_url="https://apps.apple.com/us/app/" + "z" * 900,
        android_url="https://play.google.com/store/apps/details?id=" + "q" * 900,
    )
