"""Refusals raised by services, in the words Slack shows: mentions and escaped names come from blocks."""

from __future__ import annotations

from bot.blocks.refusals import render_domain_error
from bot.services.assets import NotBrandEditor
from bot.services.errors import Conflict, Forbidden
from bot.services.permissions import NotManager
from storage.models import BrandProfile, LiteProject


def shown(message: dict[str, object]) -> str:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return str(blocks[0]["text"]["text"])


def test_not_a_manager_names_the_owner_with_a_mention() -> None:
    project = LiteProject(
        workspace_id=1,
        link_name="Summer <glow>",
        channel_id="C0PROJECTS",
        brand_id=1,
        anchor_id=1,
        authorization_days=30,
        invite_token="token",
        created_by="U0OWNER1",
    )
    error = NotManager(project, what="pause or resume")

    message = render_domain_error(error)

    assert isinstance(error, Forbidden)
    assert "its owner" in error.message and "<@" not in error.message  # the plain sentence
    assert shown(message) == (
        ":warning: Only <@U0OWNER1>, the project's managers and workspace admins can pause or resume "
        "“Summer &lt;glow&gt;”. Ask <@U0OWNER1> to add you as a project manager."
    )
    assert message["text"] == (
        "Only the project's owner, its managers and workspace admins can pause or resume "
        "“Summer &lt;glow&gt;”. Ask its owner to add you as a project manager."
    )


def test_not_the_brands_editor_names_who_added_it_when_known() -> None:
    added = BrandProfile.model_construct(name="Glow & Co", created_by="U0ADDER1")
    mirrored = BrandProfile.model_construct(name="Glow & Co", created_by="")  # mirrored from TikTok One

    assert shown(render_domain_error(NotBrandEditor(added))) == (
        ":warning: Only <@U0ADDER1> (who added it) and workspace admins can edit “Glow &amp; Co”: "
        "creators see it on every invite page of this brand."
    )
    assert shown(render_domain_error(NotBrandEditor(mirrored))).startswith(
        ":warning: Only workspace admins can edit “Glow &amp; Co”"
    )


def test_other_errors_are_shown_as_they_are() -> None:
    assert shown(render_domain_error(Conflict("Already <done>."))) == ":warning: Already &lt;done&gt;."
    assert shown(render_domain_error(Forbidden("No.", markup="No, <@U1>."))) == ":warning: No, <@U1>."
