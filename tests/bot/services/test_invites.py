"""The invite message's length rules: escaped characters counted as Slack counts them, short parts kept
whole."""

from __future__ import annotations

from bot.services.invites import BODY_LIMIT, fair_caps, shorten, slack_length


def test_shorten_counts_escaped_characters() -> None:
    cut = shorten("&" * 100, 50)
    assert cut.endswith("…") and slack_length(cut) <= 50
    assert shorten("fits", 4) == "fits"


def test_fair_caps_keep_short_parts_whole() -> None:
    assert fair_caps([10, 5000, 3000], 2010) == [10, 1000, 1000]
    assert fair_caps([10, 20], 100) == [10, 20]
    assert sum(fair_caps([3000, 1000, 2000], BODY_LIMIT - 1000)) <= BODY_LIMIT - 1000
