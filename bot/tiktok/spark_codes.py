"""Spark codes (TikTok's video authorization codes): checked for shape only, kept exactly.

A real code is `#` followed by a run of standard base64 (`A–Z a–z 0–9 + /`, `=` padding at the
end): the ones on record are `#` plus 64 characters. A paste far shorter than that is a truncated
copy, and `%2B` / `%2F` / `%3D` mean it was copied out of a URL. Only TikTok can say whether a
code is valid; here we refuse what cannot be a whole code, trim the surrounding whitespace and
never "fix" anything else.
"""

from __future__ import annotations

import re

MIN_LENGTH = 40  # base64 characters after the '#'; codes on record have 64
MAX_LENGTH = 200  # with the '#'; the column holds 200
BODY = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
URL_ENCODED = re.compile(r"%(2B|2F|3D|23)", re.IGNORECASE)


class SparkCodeError(ValueError):
    """The text can't be a whole spark code; the message says why."""


def clean_spark_code(value: str | None) -> str | None:
    """The code as given (trimmed), or None when left empty; SparkCodeError when malformed."""
    code = (value or "").strip()
    if not code:
        return None
    if any(ch.isspace() for ch in code):
        raise SparkCodeError("A spark code has no spaces; copy it again from TikTok.")
    if URL_ENCODED.search(code):
        raise SparkCodeError(
            "This looks copied from a web address (it has %2B or similar in it). "
            "Copy the code itself from TikTok's ad authorization screen."
        )
    if len(code) > MAX_LENGTH:
        raise SparkCodeError(
            f"That spark code is {len(code)} characters; a spark code has at most {MAX_LENGTH}."
        )
    if not code.startswith("#"):
        raise SparkCodeError("A spark code starts with #. Copy the whole code from TikTok, including the #.")
    body = code[1:]
    if not BODY.match(body):
        raise SparkCodeError(
            "A spark code is # followed by letters, digits, + and / (and maybe = at the end); "
            "copy it again from TikTok."
        )
    if len(body) < MIN_LENGTH or (body.endswith("=") and len(body) % 4):
        # base64 with its `=` padding comes in whole blocks of 4: anything else lost characters
        raise SparkCodeError(
            f"That spark code is only {len(code)} characters; a whole code is about 65. "
            "It was probably cut off: copy the whole code from TikTok."
        )
    return code
