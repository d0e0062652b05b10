"""Spark codes: shape only, kept exactly as given after trimming; what can't be whole is refused."""

from __future__ import annotations

import pytest

from bot.tiktok.spark_codes import SparkCodeError, clean_spark_code

REAL_LOOKING = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
ON_RECORD = "#s63DdePaj9HjSv2BPcSrDfTxU2X506b2oiwchQ9PIspTLgroZKtjN7PPiFnF+qA="


@pytest.mark.parametrize(
    "code",
    [REAL_LOOKING, ON_RECORD, "#" + "A" * 40, "#" + "A" * 199, ON_RECORD.removesuffix("=")],
)
def test_whole_codes_are_kept_exactly(code: str) -> None:
    assert clean_spark_code(code) == code


def test_surrounding_whitespace_is_trimmed_and_nothing_else_changes() -> None:
    assert clean_spark_code(f"  {REAL_LOOKING}\n") == REAL_LOOKING


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_no_code_is_none(empty: str | None) -> None:
    assert clean_spark_code(empty) is None


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (ON_RECORD[:20], "cut off"),
        (ON_RECORD[:30] + ON_RECORD[31:], "cut off"),  # a character lost inside a padded code
        ("#short", "cut off"),
        ("#", "#"),
        (ON_RECORD.replace("+", "%2B"), "web address"),
        (REAL_LOOKING.replace("/", "%2f"), "web address"),
        (ON_RECORD.removeprefix("#"), "starts with #"),
        (ON_RECORD[:30] + " " + ON_RECORD[30:], "no spaces"),
        ("#" + "A" * 40 + "<script>", "letters, digits"),
        ("##" + "A" * 40, "letters, digits"),
        ("#" + "A" * 40 + "_-", "letters, digits"),
        ("#" + "A" * 20 + "=" + "A" * 20, "letters, digits"),
        ("#" + "é" * 50, "letters, digits"),
        ("#" + "A" * 200, "at most 200"),
    ],
)
def test_codes_that_cannot_be_whole_are_refused(code: str, says: str) -> None:
    with pytest.raises(SparkCodeError, match=says):
        clean_spark_code(code)
