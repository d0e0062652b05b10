"""Spark codes (TikTok's video authorization codes): checked for form only, kept exactly.

A code is opaque: it usually starts with `#` followed by a long run of letters, digits and
`+ / = _ -`. We trim the surrounding whitespace and never "fix" anything else.
"""

from __future__ import annotations

import re

MIN_LENGTH = 8  # without the leading '#'
MAX_LENGTH = 200  # with it; the column holds 200
BODY = re.compile(r"^[A-Za-z0-9+/=_-]+$")


class SparkCodeError(ValueError):
    """The text can't be a spark code; the message says why."""


def clean_spark_code(value: str | None) -> str | None:
    """The code as given (trimmed), or None when left empty; SparkCodeError when malformed."""
    code = (value or "").strip()
    if not code:
        return None
    body = code.removeprefix("#")
    if any(ch.isspace() for ch in body):
        raise SparkCodeError("A spark code has no spaces; copy it again from TikTok.")
    if len(body) < MIN_LENGTH:
        raise SparkCodeError("That spark code is too short; copy the whole code from TikTok.")
    if not BODY.match(body):
        raise SparkCodeError(
            "A spark code has only letters, digits and + / = _ - (and may start with #); copy it again from TikTok."
        )
    if len(code) > MAX_LENGTH:
        raise SparkCodeError(
            f"That spark code is {len(code)} characters; a spark code has at most {MAX_LENGTH}."
        )
    return code
