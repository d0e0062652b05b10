"""The outreach message that goes with an invite link, following TikTok One's tips."""

from __future__ import annotations

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
    lines = [
        f"Hi! I'm {name} from {brand.name} ({email}).",
        "",
        f"We'd love to work with you on “{project.link_name}”, a TikTok lite project.",
    ]
    if project.description:
        lines += ["", project.description]
    if project.deliverable:
        lines += ["", f"What we're asking for: {project.deliverable}"]
    if project.requirements:
        lines += [f"Key requirements: {project.requirements}"]
    if project.deadline:
        lines += [f"Deadline: {project.deadline.strftime('%B %-d, %Y')}"]
    lines += [
        "",
        f"Deliver your video here: {invite_url}",
        f"Please turn on ad authorization for {project.authorization_days} days or more and include the video's "
        "spark code, so we can run it as a Spark Ad.",
        "",
        f"To check this invite is really from us, contact {project.contact or brand.contact_email} "
        f"or look us up at {brand.website}.",
        "",
        f"Thanks, {name}",
    ]
    subject = f"{brand.name} × you: {project.link_name}" if style == "email" else None
    return InviteMessage(subject=subject, body="\n".join(lines), warnings=warnings)
