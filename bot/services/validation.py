"""Field checks shared by the services. Each returns the cleaned value or raises FieldError."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import urlsplit


class FieldError(ValueError):
    """One field's problem, in words for the person who typed it."""


EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,63}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,22}[0-9]$")
# Slack's conversation ids: C (public), G (private, older), D (direct message), then capitals and
# digits; anything else (a name, a mention, markup) is not a channel
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,31}$")
DOMAIN = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


# line breaks and tabs are how people type multi-line fields; every other control character
# (NUL, escape…) and every format character (U+202E right-to-left override, zero-width spaces,
# bidi isolates…) only hides or reorders what others will read
ALLOWED_CONTROLS = frozenset("\n\r\t")
ZERO_WIDTH_JOINER = "\u200d"


def invisible_characters(value: str) -> list[str]:
    """The control and format characters (Unicode Cc, Cf) in `value`, as U+XXXX, in order.

    A zero-width joiner between two symbols is kept: it is how emoji such as 👩‍💻 are written.
    """
    if value.isprintable():  # no Cc or Cf character is printable: most values end here, in C
        return []
    found = []
    for index, ch in enumerate(value):
        category = unicodedata.category(ch)
        control = category == "Cc" and ch not in ALLOWED_CONTROLS
        hidden = category == "Cf" and not (ch == ZERO_WIDTH_JOINER and _joins_emoji(value, index))
        if control or hidden:
            found.append(f"U+{ord(ch):04X}")
    return found


def _joins_emoji(value: str, index: int) -> bool:
    before = value[index - 1] if index > 0 else ""
    after = value[index + 1] if index + 1 < len(value) else ""
    return (
        bool(before and after)
        and unicodedata.category(after) == "So"
        and (unicodedata.category(before) in ("So", "Mn", "Sk"))
    )


def invisible_message(found: list[str]) -> str:
    shown = ", ".join(dict.fromkeys(found))
    return (
        f"This has invisible or control characters ({shown}), often pasted by accident; "
        "type it again without them."
    )


def refuse_invisible(value: str | None) -> None:
    """FieldError when `value` has control or format characters (see `invisible_characters`)."""
    found = invisible_characters(value or "")
    if found:
        raise FieldError(invisible_message(found))


def is_channel_id(value: str) -> bool:
    return bool(CHANNEL_ID.fullmatch(value))


def clean_text(value: str | None, *, label: str, max_length: int, required: bool = False) -> str:
    refuse_invisible(value)
    text = (value or "").strip()
    if required and not text:
        raise FieldError(f"{label} is required.")
    if len(text) > max_length:
        raise FieldError(f"{label} is {len(text)} characters; keep it to {max_length}.")
    return text


def clean_email(value: str | None, *, label: str = "Email") -> str:
    email = (value or "").strip()
    if not EMAIL.match(email) or len(email) > 254:
        raise FieldError(f"{label} should look like name@company.com.")
    return email


def clean_contact(value: str | None) -> str:
    """An email address or a phone number creators can use to verify the brand."""
    contact = (value or "").strip()
    if not contact:
        raise FieldError("Add an email or phone number creators can use to verify the brand.")
    if "@" in contact:
        return clean_email(contact, label="Contact email")
    if PHONE.match(contact) and sum(ch.isdigit() for ch in contact) >= 7:
        return contact
    raise FieldError("Enter an email (name@company.com) or a phone number (+1 555 010 0199).")


def clean_url(value: str | None, *, label: str, required: bool = True) -> str | None:
    url = (value or "").strip()
    if not url:
        if required:
            raise FieldError(f"{label} is required.")
        return None
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.username is not None or parts.password is not None:
        # https://brand.com@evil.example goes to evil.example: a disguise, never a brand's address
        raise FieldError(f"{label} can't contain a user name or password (the part before @).")
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not DOMAIN.match(host) or len(url) > 1000:
        raise FieldError(f"{label} should be a web address like https://www.example.com.")
    return parts.geturl()


def domain_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def email_on_domain(email: str, domain: str) -> bool:
    """True when the email's domain is `domain` or one of its subdomains."""
    email_domain = email.rsplit("@", 1)[-1].lower()
    return email_domain == domain or email_domain.endswith("." + domain)


def clean_deadline(value: str | dt.date | None, *, today: dt.date) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        deadline = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise FieldError("Pick a date for the deadline.") from None
    if deadline < today:
        raise FieldError("The deadline is in the past; pick today or a later date.")
    return deadline
