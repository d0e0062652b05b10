"""Domain errors as Slack shows them: services raise typed refusals with the facts (whose project,
which brand) and a plain sentence; the mrkdwn sentence, with mentions, is written here."""

from __future__ import annotations

from typing import Any

from bot.blocks.errors import render_error_message
from bot.blocks.text import escape
from bot.services.assets import NotBrandEditor
from bot.services.errors import DomainError
from bot.services.permissions import NotManager


def refusal_markup(error: DomainError) -> str | None:
    """The error's sentence as mrkdwn, already escaped; None where the plain sentence will do."""
    if isinstance(error, NotManager):
        owner = error.owner
        return (
            f"Only <@{owner}>, the project's managers and workspace admins can {error.what} "
            f"“{escape(error.project_name)}”. Ask <@{owner}> to add you as a project manager."
        )
    if isinstance(error, NotBrandEditor):
        creator = f"<@{error.created_by}> (who added it) and " if error.created_by else ""
        return (
            f"Only {creator}workspace admins can edit “{escape(error.brand_name)}”: creators see it on "
            "every invite page of this brand."
        )
    return error.markup


def render_domain_error(error: DomainError) -> dict[str, Any]:
    """What the person is told when a service refuses: the warning line, with mentions where known."""
    return render_error_message(error.message, markup=refusal_markup(error))
