"""The outreach message that goes with an invite link, following TikTok One's tips."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

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
    contact = project.contact or brand.contact_email
    head = [
        f"Hi! I'm {name} from {brand.name} ({email}).",
        "",
        f"We'd love to work with you on “{project.link_name}”, a TikTok lite project.",
    ]
    deadline = [f"Deadline: {project.deadline.strftime('%B %-d, %Y')}"] if project.deadline else []
    tail = [
        "",
        f"Deliver your video here: {invite_url}",
        f"Please turn on ad authorization for {project.authorization_days} days or more and include the video's "
        "spark code, so we can run it as a Spark Ad.",
        "",
        f"To check this invite is really from us, contact {contact} or look us up at {brand.website}.",
        "",
        f"Thanks, {name}",
    ]
    # the brief's free texts are what may be shortened: the link, deadline and contact never are
    parts = [
        ("", project.description),
        ("What we're asking for: ", project.deliverable),
        ("Key requirements: ", project.requirements),
    ]
    fixed = "\n".join(head + deadline + tail)
    separators = sum(2 if prefix == "" or prefix.startswith("What") else 1 for prefix, text in parts if text)
    room = (
        BODY_LIMIT
        - slack_length(fixed)
        - separators
        - sum(slack_length(prefix) for prefix, text in parts if text)
    )
    caps = fair_caps([slack_length(text) for _, text in parts], max(0, room))
    shortened = [
        label
        for (label, text), cap in zip(
            (
                ("description", project.description),
                ("deliverable", project.deliverable),
                ("key requirements", project.requirements),
            ),
            caps,
            strict=True,
        )
        if slack_length(text) > cap
    ]
    description, deliverable, requirements = (
        shorten(text, cap) for (_, text), cap in zip(parts, caps, strict=True)
    )
    lines = list(head)
    if description:
        lines += ["", description]
    if deliverable:
        lines += ["", f"What we're asking for: {deliverable}"]
    if requirements:
        lines += [f"Key requirements: {requirements}"]
    lines += deadline + tail
    if shortened:
        warnings.append(
            f"The project's {_and(shortened)} {'was' if len(shortened) == 1 else 'were'} shortened (…) "
            "so the invite link, deadline and "
            "contact fit in Slack's message. Edit the message after copying it if you want them whole."
        )
    subject = f"{brand.name} × you: {project.link_name}" if style == "email" else None
    return InviteMessage(subject=subject, body="\n".join(lines), warnings=warnings)
