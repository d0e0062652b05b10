"""The invisible-character check: what it finds, and what it lets through."""

from __future__ import annotations

import pytest

from bot.services.validation import invisible_characters


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("Summer glow", []),
        ("", []),
        ("two\nlines\tand a tab", []),  # how people type multi-line fields
        ("a\u00a0b", []),  # a no-break space is a space, not a hidden character
        ("👩\u200d💻", []),  # a zero-width joiner inside an emoji
        ("evil\u202etxt.exe", ["U+202E"]),
        ("nul\x00 and escape\x1b", ["U+0000", "U+001B"]),
        ("x\u200dy", ["U+200D"]),  # a joiner between letters hides nothing good
        ("zero\u200bwidth", ["U+200B"]),
    ],
)
def test_control_and_format_characters_are_found_in_order(value: str, found: list[str]) -> None:
    assert invisible_characters(value) == found
