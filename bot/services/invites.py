"""The outreach message that goes with an invite link, following TikTok One's tips."""

from __future__ import annotations

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
    lines = [
        _("Hi! I'm %(name)s from %(brand)s (%(email)s).")
        % {"name": name, "brand": brand.name, "email": email},
        "",
        _("We'd love to work with you on “%(project)s”, a TikTok lite project.")
        % {"project": project.link_name},
    ]
    if project.description:
        lines += ["", project.description]
    if project.deliverable:
        lines += ["", _("What we're asking for: %(deliverable)s") % {"deliverable": project.deliverable}]
    if project.requirements:
        lines += [_("Key requirements: %(requirements)s") % {"requirements": project.requirements}]
    if project.deadline:
        lines += [
            _("Deadline: %(date)s") % {"date": i18n.format_date(project.deadline, lang=lang, length="long")}
        ]
    lines += [
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
    subject = (
        _("%(brand)s × you: %(project)s") % {"brand": brand.name, "project": project.link_name}
        if style == "email"
        else None
    )
    return InviteMessage(subject=subject, body="\n".join(lines), warnings=warnings)
