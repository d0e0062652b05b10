"""The outreach message that goes with an invite link, following TikTok One's tips."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot import i18n
from bot.services.errors import InvalidInput
from bot.services.projects import ProjectOverview
from bot.services.validation import FieldError, clean_email, clean_text, email_on_domain

FREE_MAIL_DOMAINS = {
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "mail.com",
    "qq.com",
    "163.com",
}


# Slack shows the message in one section of at most 3,000 characters (counted after &, < and >
# are escaped), with a label and a code fence around it: the body keeps within this.
BODY_LIMIT = 2950
ELLIPSIS = "…"


def slack_length(text: str) -> int:
    """The length Slack counts: &, < and > travel escaped (&amp; &lt; &gt;)."""
    return len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def shorten(text: str, budget: int) -> str:
    """`text` cut (with "…") so that its Slack length is at most `budget`."""
    if slack_length(text) <= budget:
        return text
    room = budget - len(ELLIPSIS)
    kept, used = [], 0
    for char in text:
        cost = slack_length(char)
        if used + cost > room:
            break
        kept.append(char)
        used += cost
    return "".join(kept).rstrip() + ELLIPSIS if room > 0 else ""


def fair_caps(lengths: Sequence[int], budget: int) -> list[int]:
    """Each part's share of `budget`: short parts whole, the longest cut to one equal cap."""
    caps = list(lengths)
    if sum(lengths) <= budget:
        return caps
    order = sorted(range(len(lengths)), key=lambda index: lengths[index])
    left, remaining = budget, len(lengths)
    for index in order:
        share = max(0, left // remaining)
        caps[index] = min(lengths[index], share)
        left -= caps[index]
        remaining -= 1
    return caps


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class InviteMessage:
    subject: str | None
    body: str
    warnings: list[str] = field(default_factory=list)


def compose_invite_message(
    overview: ProjectOverview,
    *,
    invite_url: str,
    sender_name: str | None,
    sender_email: str | None,
    style: str,
) -> InviteMessage:
    errors: dict[str, str] = {}
    try:
        name = clean_text(sender_name, label="Your name", max_length=100, required=True)
    except FieldError as exc:
        errors["sender_name"] = str(exc)
    try:
        email = clean_email(sender_email, label="Your company email")
    except FieldError as exc:
        errors["sender_email"] = str(exc)
    if style not in ("email", "chat"):
        errors["style"] = "Choose email or WhatsApp."
    if errors:
        raise InvalidInput(errors)

    project, brand = overview.project, overview.brand
    warnings = []
    email_domain = email.rsplit("@", 1)[-1].lower()
    if not email_on_domain(email, brand.domain):
        kind = "a free-mail address" if email_domain in FREE_MAIL_DOMAINS else f"not on {brand.domain}"
        warnings.append(
            f"{email} is {kind}. Creators are told to check that invites come from the brand's domain "
            f"({brand.domain}); send from an address there if you can."
        )
    # the creators' language when the project has one; the brand's own words stay as written
    lang = i18n.language(project.creator_language) or i18n.source()
    _ = lang.gettext
    contact = project.contact or brand.contact_email
    head = [
        _("Hi! I'm %(name)s from %(brand)s (%(email)s).")
        % {"name": name, "brand": brand.name, "email": email},
        "",
        _("We'd love to work with you on “%(project)s”, a TikTok lite project.")
        % {"project": project.link_name},
    ]
    deadline = (
        [_("Deadline: %(date)s") % {"date": i18n.format_date(project.deadline, lang=lang, length="long")}]
        if project.deadline
        else []
    )
    tail = [
        "",
        _("Deliver your video here: %(url)s") % {"url": invite_url},
        lang.ngettext(
            "Please turn on ad authorization for %(days)s day or more and include the video's spark code, "
            "so we can run it as a Spark Ad.",
            "Please turn on ad authorization for %(days)s days or more and include the video's spark code, "
            "so we can run it as a Spark Ad.",
            project.authorization_days,
        )
        % {"days": i18n.format_number(project.authorization_days, lang=lang)},
        "",
        _("To check this invite is really from us, contact %(contact)s or look us up at %(website)s.")
        % {"contact": contact, "website": brand.website},
        "",
        _("Thanks, %(name)s") % {"name": name},
    ]
    # the brief's free texts are what may be shortened: the link, deadline and contact never are.
    # Each is (label for the warning, line template in the creators' language, blank line before, text).
    parts = [
        ("description", "%(text)s", True, project.description),
        (
            "deliverable",
            _("What we're asking for: %(deliverable)s").replace("%(deliverable)s", "%(text)s"),
            True,
            project.deliverable,
        ),
        (
            "key requirements",
            _("Key requirements: %(requirements)s").replace("%(requirements)s", "%(text)s"),
            False,
            project.requirements,
        ),
    ]
    present = [part for part in parts if part[3]]
    fixed = "\n".join(head + deadline + tail)
    overhead = sum(
        slack_length(template % {"text": ""}) + (2 if blank else 1)
        for _label, template, blank, _text in present
    )
    room = BODY_LIMIT - slack_length(fixed) - overhead
    caps = fair_caps([slack_length(text) for *_rest, text in parts], max(0, room))
    shortened = [
        label for (label, *_rest, text), cap in zip(parts, caps, strict=True) if slack_length(text) > cap
    ]
    lines = list(head)
    for (_label, template, blank, text), cap in zip(parts, caps, strict=True):
        if text:
            lines += (
                ["", template % {"text": shorten(text, cap)}]
                if blank
                else [template % {"text": shorten(text, cap)}]
            )
    lines += deadline + tail
    if shortened:
        warnings.append(
            f"The project's {_and(shortened)} {'was' if len(shortened) == 1 else 'were'} shortened (…) "
            "so the invite link, deadline and "
            "contact fit in Slack's message. Edit the message after copying it if you want them whole."
        )
    subject = (
        _("%(brand)s × you: %(project)s") % {"brand": brand.name, "project": project.link_name}
        if style == "email"
        else None
    )
    return InviteMessage(subject=subject, body="\n".join(lines), warnings=warnings)
