"""What changed, in a person's words: for thread notes, confirmations and `/liteproject history`.

Audit events keep fields by their stored names (`channel_id`, `ads_account_ids`…); people read
"moved the deadline from Dec 7 to Dec 9". Ids and field names never reach the words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bot import i18n
from bot.blocks.text import escape, truncate

TEXT_FIELDS = {
    "description": "the description",
    "deliverable": "the deliverable",
    "requirements": "the key requirements",
}


def short_date(value: Any) -> str:
    """`2026-12-07` → `Dec 7` (with the year when it isn't this year's)."""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return escape(str(value))
    if day.year != dt.date.today().year:
        return f"{day:%b} {day.day}, {day.year}"
    return f"{day:%b} {day.day}"


def _quoted(value: Any) -> str:
    return f"“{escape(truncate(str(value or ''), 80))}”"


def project_change_phrases(
    before: Mapping[str, Any], after: Mapping[str, Any], *, accounts: Mapping[int, str] | None = None
) -> list[str]:
    """One phrase per change, each to follow a person's name: "moved the deadline from Dec 7 to Dec 9"."""
    phrases: list[str] = []
    if "link_name" in after:
        phrases.append(
            f"renamed the project from {_quoted(before.get('link_name'))} to {_quoted(after['link_name'])}"
        )
    if "deadline" in after:
        old, new = before.get("deadline"), after["deadline"]
        if old and new:
            phrases.append(f"moved the deadline from {short_date(old)} to {short_date(new)}")
        elif new:
            phrases.append(f"set the deadline to {short_date(new)}")
        else:
            phrases.append(f"removed the deadline (it was {short_date(old)})")
    for key, label in TEXT_FIELDS.items():
        if key in after:
            phrases.append(f"updated {label}" if after[key] else f"cleared {label}")
    if "contact" in after:
        phrases.append(f"changed the contact for creators to {_quoted(after['contact'])}")
    if "creator_language" in after:
        lang = i18n.language(after["creator_language"])
        phrases.append(
            f"set the creator pages' language to {lang.english_name}"
            if lang
            else "let each creator's phone choose the pages' language"
        )
    if "channel_id" in after:
        phrases.append(f"moved the project to <#{after['channel_id']}>")
    if "ads_account_ids" in after:
        old_ids, new_ids = set(before.get("ads_account_ids") or []), set(after["ads_account_ids"] or [])
        phrases += _list_changes(
            sorted(new_ids - old_ids),
            sorted(old_ids - new_ids),
            name=lambda account: _quoted((accounts or {}).get(account, "an Ads Manager account")),
            what="Ads Manager account",
        )
    if "managers" in after:
        old_users, new_users = set(before.get("managers") or []), set(after["managers"] or [])
        phrases += _list_changes(
            sorted(new_users - old_users),
            sorted(old_users - new_users),
            name=lambda user: f"<@{user}>",
            what="project manager",
            as_role=True,
        )
    if "active" in after:
        phrases.append("resumed the invite link" if after["active"] else "paused the invite link")
    return phrases


def _list_changes(
    added: list[Any], removed: list[Any], *, name: Any, what: str, as_role: bool = False
) -> list[str]:
    """ "added @bob as a project manager", or "removed the Ads Manager account “GlowCo US”"."""
    phrases = []
    for verb, items in (("added", added), ("removed", removed)):
        if not items:
            continue
        names = ", ".join(name(item) for item in items)
        plural = len(items) > 1
        if as_role:
            phrases.append(f"{verb} {names} as {what + 's' if plural else 'a ' + what}")
        else:
            phrases.append(f"{verb} the {what}{'s' if plural else ''} {names}")
    return phrases


def sentence(actor_markup: str, phrases: list[str]) -> str:
    """`<@U1> renamed … and moved the deadline …`."""
    if not phrases:
        return f"{actor_markup} saved the project without changes"
    if len(phrases) == 1:
        return f"{actor_markup} {phrases[0]}"
    return f"{actor_markup} {', '.join(phrases[:-1])} and {phrases[-1]}"
