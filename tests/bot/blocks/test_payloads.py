"""The one encoding of button values and private_metadata, read back as the listeners read it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.blocks.payloads import MAX_VALUE_CHARS, encode_metadata, encode_value
from bot.handlers.common import metadata_id, metadata_of, value_id, value_of, value_parts


def pressed(value: str | None = None, *, option: str | None = None) -> dict[str, Any]:
    """A block_actions body as Slack sends it for a button (value) or a select (selected_option)."""
    action: dict[str, Any] = {"action_id": "any"}
    if value is not None:
        action["value"] = value
    if option is not None:
        action["selected_option"] = {"value": option}
    return {"actions": [action]}


def test_a_value_comes_back_in_its_parts() -> None:
    value = encode_value(12, "to_review", 95)

    assert value == "12:to_review:95"
    assert value_parts(pressed(value), 3) == ["12", "to_review", "95"]
    assert value_id(pressed(value)) == 12


def test_an_empty_part_and_a_missing_one_read_as_empty() -> None:
    assert encode_value(7, None, 0) == "7::0"
    assert value_parts(pressed(encode_value(7, None, 0)), 3) == ["7", "", "0"]
    assert value_parts(pressed("7"), 3) == ["7", "", ""]
    assert value_parts({"actions": []}, 2) == ["", ""]


def test_only_the_last_part_may_hold_the_separator() -> None:
    # a TikTok id is taken whole, whatever it holds
    value = encode_value(3, "campaign:with:colons")

    assert value_parts(pressed(value), 2) == ["3", "campaign:with:colons"]


def test_an_option_is_read_like_a_button() -> None:
    assert value_of(pressed(option=encode_value(4, "c9"))) == "4:c9"
    assert value_parts(pressed(option=encode_value(4, "c9")), 2) == ["4", "c9"]


def test_an_id_that_is_not_a_number_finds_nothing() -> None:
    for forged in ("", "abc", "1e3", "12abc:1"):
        assert value_id(pressed(forged)) == -1


def test_a_value_too_long_for_slack_is_refused_when_drawn() -> None:
    with pytest.raises(ValueError):
        encode_value("x" * (MAX_VALUE_CHARS + 1))


def test_metadata_is_compact_json_without_the_empty_fields() -> None:
    metadata = encode_metadata(channel_id="C1", brand_id=7, anchor_id=None)

    assert metadata == '{"channel_id":"C1","brand_id":7}'
    assert metadata_of({"private_metadata": metadata}) == {"channel_id": "C1", "brand_id": 7}
    assert metadata_id({"private_metadata": metadata}, "brand_id") == 7
    assert encode_metadata(channel_id=None) == "{}"


def test_unreadable_metadata_reads_as_nothing() -> None:
    for raw in ("not json", "[1, 2]", "12", "", None):
        assert metadata_of({"private_metadata": raw}) == {}
    assert metadata_of(None) == {}
    assert metadata_id({"private_metadata": "12"}, "project_id") == -1


def test_a_forged_id_in_metadata_finds_nothing() -> None:
    for forged in ("x", None, True, [1], {"id": 1}, 2.5):
        view = {"private_metadata": json.dumps({"project_id": forged})}
        assert metadata_id(view, "project_id") == -1
    assert metadata_id({"private_metadata": json.dumps({"project_id": "15"})}, "project_id") == 15


def test_metadata_over_slacks_limit_is_refused_when_drawn() -> None:
    with pytest.raises(ValueError):
        encode_metadata(videos=["x" * 3000])
