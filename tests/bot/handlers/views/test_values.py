"""A submitted view's state read into plain values by block id, whatever the element."""

from __future__ import annotations

from typing import Any

import pytest

from bot.handlers.views.values import as_int, as_ints, element_value, read_values


@pytest.mark.parametrize(
    ("element", "value"),
    [
        ({"type": "plain_text_input", "value": "Summer glow"}, "Summer glow"),
        ({"type": "plain_text_input", "value": None}, None),
        ({"type": "static_select", "selected_option": {"value": "30"}}, "30"),
        ({"type": "static_select", "selected_option": None}, None),
        ({"type": "radio_buttons", "selected_option": {"value": "email"}}, "email"),
        ({"type": "external_select"}, None),
        ({"type": "multi_static_select", "selected_options": [{"value": "1"}, {"value": "2"}]}, ["1", "2"]),
        ({"type": "checkboxes", "selected_options": None}, []),
        ({"type": "datepicker", "selected_date": "2026-07-01"}, "2026-07-01"),
        ({"type": "conversations_select", "selected_conversation": "C0PROJECTS"}, "C0PROJECTS"),
        ({"type": "channels_select", "selected_channel": "C0OTHER"}, "C0OTHER"),
        ({"type": "users_select", "selected_user": "U0BOB0001"}, "U0BOB0001"),
        ({"type": "multi_users_select", "selected_users": None}, []),
        ({"type": "multi_users_select", "selected_users": ["U0BOB0001"]}, ["U0BOB0001"]),
    ],
)
def test_each_element_gives_its_value(element: dict[str, Any], value: Any) -> None:
    assert element_value(element) == value


def test_a_view_gives_one_value_per_input_block() -> None:
    view = {
        "state": {
            "values": {
                "link_name": {"link_name": {"type": "plain_text_input", "value": "Summer glow"}},
                "deadline": {"deadline": {"type": "datepicker", "selected_date": None}},
                "ads_accounts": {"ads_accounts": {"type": "multi_static_select", "selected_options": []}},
            }
        }
    }

    assert read_values(view) == {"link_name": "Summer glow", "deadline": None, "ads_accounts": []}
    assert read_values({}) == {} and read_values({"state": None}) == {}


@pytest.mark.parametrize(("value", "number"), [("12", 12), (7, 7), ("", None), (None, None), ("7a", None)])
def test_a_number_is_read_or_none(value: Any, number: int | None) -> None:
    assert as_int(value) == number


def test_numbers_are_read_and_the_rest_dropped() -> None:
    assert as_ints(["1", "x", 3, None]) == [1, 3]
    assert as_ints(None) == []
