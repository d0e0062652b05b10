"""Read a view's submitted state into plain values keyed by block id."""

from __future__ import annotations

from typing import Any


def element_value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("static_select", "external_select", "radio_buttons"):
        option = element.get("selected_option")
        return option.get("value") if option else None
    if kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        return [option["value"] for option in element.get("selected_options") or []]
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "conversations_select":
        return element.get("selected_conversation")
    if kind == "channels_select":
        return element.get("selected_channel")
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        return element.get("selected_users") or []
    return element.get("value")


def read_values(view: dict[str, Any]) -> dict[str, Any]:
    """{block_id: value} for every input block (one element per input block in this app)."""
    values: dict[str, Any] = {}
    for block_id, elements in (view.get("state") or {}).get("values", {}).items():
        for element in elements.values():
            values[block_id] = element_value(element)
    return values


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_ints(values: Any) -> list[int]:
    return [number for value in values or [] if (number := as_int(value)) is not None]
