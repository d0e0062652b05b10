"""What our buttons and modals carry back to us: one encoding for button (and option) values, one
for a modal's `private_metadata`. Listeners read them with `bot/handlers/common.py`
(`value_parts`, `value_id`, `metadata_of`) and treat them as untrusted all the same.
"""

from __future__ import annotations

import json

SEPARATOR = ":"
# Slack's limits; an option's value is the shortest of them
MAX_VALUE_CHARS = 150
MAX_METADATA_CHARS = 3000


def encode_value(*parts: str | int | None) -> str:
    """A button's or an option's value: its parts (ids, a state, an offset) joined by `SEPARATOR`.

    Only the last part may contain the separator (it is read back whole). None is an empty part.
    """
    value = SEPARATOR.join("" if part is None else str(part) for part in parts)
    if len(value) > MAX_VALUE_CHARS:
        raise ValueError(f"a value of {len(value)} characters doesn't fit in a button or an option")
    return value


def encode_metadata(**fields: object) -> str:
    """A modal's private_metadata: its fields as compact JSON, the ones that are None left out."""
    metadata = json.dumps(
        {name: value for name, value in fields.items() if value is not None}, separators=(",", ":")
    )
    if len(metadata) > MAX_METADATA_CHARS:
        raise ValueError(f"private_metadata of {len(metadata)} characters is over Slack's limit")
    return metadata
