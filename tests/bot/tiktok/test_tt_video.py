"""TikTok API for Business's times ("YYYY-MM-DD HH:MM:SS", UTC) read as aware datetimes."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.tiktok.tt_video import parse_time


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
