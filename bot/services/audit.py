"""What an audit event of an edit keeps."""

from __future__ import annotations

from typing import Any


def changed_only(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys whose values differ, as (before, after): an edit's event keeps only those."""
    keys = [key for key in before if before[key] != after.get(key)]
    return {key: before[key] for key in keys}, {key: after.get(key) for key in keys}
