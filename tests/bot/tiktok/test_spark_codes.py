"""Spark codes: form only, kept exactly as given after trimming."""

from __future__ import annotations

import pytest

from bot.tiktok.spark_codes import SparkCodeError, clean_spark_code

REAL_LOOKING = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="


@pytest.mark.parametrize(
    "code",
    [REAL_LOOKING, REAL_LOOKING.removeprefix("#"), "#abc_DEF-123", "#" + "A" * 199],
)
def test_well_formed_codes_are_kept_exactly(code: str) -> None:
    assert clean_spark_code(code) == code


def test_surrounding_whitespace_is_trimmed_and_nothing_else_changes() -> None:
    assert clean_spark_code(f"  {REAL_LOOKING}\n") == REAL_LOOKING
    assert clean_spark_code("  #AbCdEfGh12  ") == "#AbCdEfGh12"  # case kept


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_no_code_is_none(empty: str | None) -> None:
    assert clean_spark_code(empty) is None


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("#abc def ghi jkl", "no spaces"),
        ("#abc<script>def", "only letters"),
        ("##abcdefghijk", "only letters"),
        ("#abcdéfghijk", "only letters"),
        ("#short", "too short"),
        ("#", "too short"),
        ("#" + "A" * 200, "at most 200"),
    ],
)
def test_malformed_codes_are_refused(code: str, says: str) -> None:
    with pytest.raises(SparkCodeError, match=says):
        clean_spark_code(code)
