"""Messages about lite projects: the invite card, the overview, the list, the link, notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot import i18n
from bot.blocks.assets import ANCHOR_KIND_LABELS
from bot.blocks.changes import project_change_phrases, sentence
from bot.blocks.errors import render_line, render_notice
from bot.blocks.payloads import encode_value
from bot.blocks.text import escape, slack_date, truncate
from bot.blocks.videos import VIDEO_LIST_TO_REVIEW
from bot.services.projects import ActiveChange, ProjectOverview, ProjectPage, syncing_with_tiktok_one
from bot.tiktok.tiktok_one import TIKTOK_ONE_WEB_URL
from storage.models import LiteProject
from storage.projects import VideoCounts

# action ids of the project buttons; each button's value is the project id
COPY_INVITE_LINK = "project_copy_link"
MANAGE_PROJECT = "project_manage"
PAUSE_PROJECT = "project_pause"
RESUME_PROJECT = "project_resume"
ADD_VIDEOS = "project_add_videos"
SHOW_VIDEOS = "project_videos"
OPEN_PROJECT = "project_open"
LIST_PAGE = "project_list_page"
ARCHIVE_PROJECT = "project_archive"
RESTORE_PROJECT = "project_restore"
SHOW_PERFORMANCE = "project_performance"


def status_label(project: LiteProject) -> str:
    if project.archived_at is not None:
        return ":file_cabinet: Archived"
    return ":large_green_circle: Active" if project.active else ":double_vertical_bar: Paused"


def restore_button(project: LiteProject) -> ButtonElement:
    return ButtonElement(
        text="Restore", action_id=RESTORE_PROJECT, value=encode_value(project.id), style="primary"
    )


def archive_button(project: LiteProject) -> ButtonElement:
    return _asking_first(
        project,
        text="Archive project",
        action_id=ARCHIVE_PROJECT,
        title="Archive this project?",
        question="Its invite link goes off and it leaves lists and App Home. Videos, history and export stay; "
        "Restore brings it back.",
        confirm="Archive",
    )


def _asking_first(
    project: LiteProject, *, text: str, action_id: str, title: str, question: str, confirm: str
) -> ButtonElement:
    """A red button that asks before it acts on the project."""
    return ButtonElement(
        text=text,
        action_id=action_id,
        value=encode_value(project.id),
        style="danger",
        confirm=ConfirmObject(title=title, text=question, confirm=confirm, deny="Cancel"),
    )


def counts_label(counts: VideoCounts) -> str:
    label = f"{counts.delivered} delivered · {counts.authorized} authorized"
    if counts.delivered:
        label += f" · {counts.to_review} to review"
    if counts.verified:
        label += f" · {counts.verified} code{'' if counts.verified == 1 else 's'} verified"
    if counts.code_problems:
        label += f" · :warning: {counts.code_problems} code problem{'' if counts.code_problems == 1 else 's'}"
    return label


def deadline_label(deadline: dt.date | None) -> str:
    if deadline is None:
        return "no deadline"
    moment = dt.datetime.combine(deadline, dt.time(12), tzinfo=dt.UTC)
    return slack_date(moment, deadline.isoformat())


def pause_or_resume_button(project: LiteProject) -> ButtonElement:
    """Pause (asking first) for an active project, Resume for a paused one."""
    if not project.active:
        return ButtonElement(text="Resume", action_id=RESUME_PROJECT, value=encode_value(project.id))
    return _asking_first(
        project,
        text="Pause",
        action_id=PAUSE_PROJECT,
        title="Pause this project?",
        question="Creators won't be able to deliver videos through the invite link until you resume it.",
        confirm="Pause",
    )


def project_summary(project: LiteProject, *, brand: str, counts: VideoCounts) -> str:
    """Two lines for a project in a list: name and brand, then status, counts and deadline."""
    return truncate(
        f"*{escape(project.link_name)}* · {escape(brand)}\n{status_label(project)} · {counts_label(counts)} · "
        f"deadline {deadline_label(project.deadline)}",
        3000,
    )


def page_buttons(page: ProjectPage, *, action_id: str, newer: str, older: str) -> list[ButtonElement]:
    """Buttons to the previous and next page, as far as there are any."""
    buttons = []
    if page.offset > 0:
        previous = encode_value(max(0, page.offset - page.limit))
        buttons.append(ButtonElement(text=newer, action_id=f"{action_id}_prev", value=previous))
    if page.has_next:
        buttons.append(
            ButtonElement(
                text=older, action_id=f"{action_id}_next", value=encode_value(page.offset + page.limit)
            )
        )
    return buttons


def project_buttons(project: LiteProject, *, include_open: bool = False, to_review: int = 0) -> ActionsBlock:
    """The project's buttons; with videos waiting for a decision, a way straight to them."""
    value = encode_value(project.id)
    if project.archived_at is not None:
        videos = ButtonElement(text="Videos", action_id=SHOW_VIDEOS, value=value)
        return ActionsBlock(
            block_id=f"project_actions_{project.id}", elements=[restore_button(project), videos]
        )
    buttons = [
        ButtonElement(text="Copy invite link", action_id=COPY_INVITE_LINK, value=value, style="primary")
    ]
    if include_open:
        buttons.append(ButtonElement(text="Open", action_id=OPEN_PROJECT, value=value))
    buttons.append(ButtonElement(text="Manage project link", action_id=MANAGE_PROJECT, value=value))
    buttons.append(pause_or_resume_button(project))
    buttons.append(ButtonElement(text="Add videos", action_id=ADD_VIDEOS, value=value))
    buttons.append(ButtonElement(text="Videos", action_id=SHOW_VIDEOS, value=value))
    buttons.append(ButtonElement(text="Performance", action_id=SHOW_PERFORMANCE, value=value))
    if to_review:
        buttons.append(ButtonElement(text=f"Review {to_review}", action_id=VIDEO_LIST_TO_REVIEW, value=value))
    return ActionsBlock(block_id=f"project_actions_{project.id}", elements=buttons)


def _summary_fields(overview: ProjectOverview) -> list[MarkdownTextObject]:
    project = overview.project
    return [
        MarkdownTextObject(text=f"*Brand*\n{escape(overview.brand.name)}"),
        MarkdownTextObject(text=f"*Status*\n{status_label(project)}"),
        MarkdownTextObject(text=f"*Videos*\n{counts_label(overview.counts)}"),
        MarkdownTextObject(text=f"*Deadline*\n{deadline_label(project.deadline)}"),
    ]


def invite_line(project: LiteProject, invite_url: str) -> str:
    """The invite link, or where its making in TikTok One stands."""
    if not syncing_with_tiktok_one(project):
        return f"<{invite_url}|{escape(invite_url)}>"
    if project.tto_sync_error:
        return (
            f":warning: Not made in TikTok One yet: {escape(truncate(project.tto_sync_error, 300))}\n"
            "`/liteproject status` shows it; `/liteproject status retry` tries again."
        )
    return ":hourglass_flowing_sand: Syncing with TikTok One… its invite link appears here in a moment."


def tiktok_one_switch_note(project: LiteProject) -> str:
    """TikTok One's API has no switch for the active invite link: say where it is made."""
    return (
        "This project lives in TikTok One, whose API can't switch its *Active invite link*: "
        f"switch it in <{TIKTOK_ONE_WEB_URL}|TikTok One> (Projects → {escape(project.link_name)} → Overview) "
        "so creators there see the same state."
    )


def render_adoption_requested(project: LiteProject) -> dict[str, Any]:
    """The answer to `/liteproject adopt`: the choices come later, in a direct message."""
    return render_notice(
        "Looking up the lite projects of your TikTok One account: "
        f"I'll send you the list to pick “{project.link_name}” from."
    )


def render_invite_card(overview: ProjectOverview, invite_url: str) -> dict[str, Any]:
    """The card posted in the project's channel on create, then edited in place."""
    project = overview.project
    blocks: list[Block] = [
        HeaderBlock(text=truncate(project.link_name, 150)),
        SectionBlock(fields=_summary_fields(overview)),
        SectionBlock(text=MarkdownTextObject(text=f"*Invite link*\n{invite_line(project, invite_url)}")),
        project_buttons(project, to_review=overview.counts.to_review),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Lite project created by <@{project.created_by}> · share the invite link with creators "
                    "off-platform; they deliver videos through it."
                    if project.active
                    else "Archived: the invite link is off; videos, history and export are kept."
                    if project.archived_at is not None
                    else "Paused: creators can't deliver videos to this link until it is resumed."
                )
            ]
        ),
    ]
    text = f"Lite project “{escape(project.link_name)}” for {escape(overview.brand.name)} ({'active' if project.active else 'paused'}): {invite_url}"
    return {"text": text, "blocks": [block.to_dict() for block in blocks]}


def render_pause_notice(project: LiteProject, *, actor_id: str, paused: bool) -> dict[str, Any]:
    name = escape(project.link_name)
    if paused:
        line = (
            f":double_vertical_bar: <@{actor_id}> paused *{name}*. Creators can't deliver videos to this link "
            "until it is resumed."
        )
        text = f"{name} was paused: creators can't deliver videos to this link until it is resumed."
    else:
        line = f":arrow_forward: <@{actor_id}> resumed *{name}*. Creators can deliver videos through the invite link again."
        text = f"{name} was resumed: creators can deliver videos again."
    if project.tto_account_id is not None:
        line = f"{line}\n{tiktok_one_switch_note(project)}"
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=line)).to_dict()]}


def render_active_change(change: ActiveChange) -> dict[str, Any]:
    """The answer to the person who paused or resumed a project."""
    project = change.project
    name = project.link_name
    if not change.changed:
        return render_notice(
            f"“{name}” is already {'active' if project.active else 'paused'}; nothing changed."
        )
    if project.active:
        answer = f"Resumed “{name}”: creators can deliver videos through the invite link again."
    else:
        answer = f"Paused “{name}”: creators can't deliver videos to this link until it is resumed."
    if project.tto_account_id is not None:
        answer = (
            f"{answer} It lives in TikTok One, whose API can't switch its active invite link: "
            f"switch it in TikTok One too ({TIKTOK_ONE_WEB_URL})."
        )
    return render_notice(answer)


def render_bulk_change(changed: Sequence[LiteProject], *, active: bool) -> dict[str, Any]:
    """The answer to `/liteproject pause all` or `resume all` (the channel gets the summary)."""
    if not changed:
        return render_notice(f"Every project is already {'active' if active else 'paused'}; nothing changed.")
    return render_notice(
        f"{'Resumed' if active else 'Paused'} {len(changed)} projects; a summary is posted here."
    )


def creator_language_label(tag: str) -> str:
    lang = i18n.language(tag)
    return lang.english_name if lang else "Each creator's phone language"


def render_project_overview(overview: ProjectOverview, invite_url: str) -> dict[str, Any]:
    """`/liteproject show`: every field, the counts, the link and the buttons (ephemeral)."""
    project = overview.project
    anchor = overview.anchor
    accounts = ", ".join(f"{escape(a.display_name)} ({a.advertiser_id})" for a in overview.accounts) or "none"
    details = [
        f"*Ad authorization period*\n{project.authorization_days} days",
        f"*Anchor*\n{escape(anchor.name)} · {ANCHOR_KIND_LABELS[anchor.kind]} · {anchor.country}",
        f"*TikTok Ads Manager accounts*\n{accounts}",
        f"*Contact for creators*\n{escape(project.contact) or '—'}",
        f"*Creator language*\n{creator_language_label(project.creator_language)}",
        f"*Notifications*\n<#{project.channel_id}>",
        "*Project managers*\n" + (", ".join(f"<@{user}>" for user in overview.managers) or "—"),
        f"*Created*\n{slack_date(project.created_at, project.created_at.date().isoformat())} by <@{project.created_by}>",
    ]
    texts = [
        ("Description", project.description),
        ("Deliverable", project.deliverable),
        ("Key requirements", project.requirements),
    ]
    blocks: list[Block] = [
        HeaderBlock(text=truncate(project.link_name, 150)),
        SectionBlock(fields=_summary_fields(overview)),
        SectionBlock(fields=[MarkdownTextObject(text=truncate(item, 2000)) for item in details]),
    ]
    for label, value in texts:
        if value:
            blocks.append(
                SectionBlock(text=MarkdownTextObject(text=truncate(f"*{label}*\n{escape(value)}", 3000)))
            )
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=f"*Invite link*\n{invite_line(project, invite_url)}")),
        project_buttons(project),
    ]
    return {
        "response_type": "ephemeral",
        "text": f"{escape(project.link_name)} — {'active' if project.active else 'paused'} — {invite_url}",
        "blocks": [block.to_dict() for block in blocks],
    }


def render_invite_link(project: LiteProject, invite_url: str) -> dict[str, Any]:
    """The link alone, easy to copy (Slack can't write the clipboard), and a way to the message."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"Invite link for *{escape(project.link_name)}*:")),
        SectionBlock(
            text=MarkdownTextObject(
                text=invite_line(project, invite_url)
                if syncing_with_tiktok_one(project)
                else f"```{invite_url}```"
            )
        ),
    ]
    if not project.active:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=":double_vertical_bar: This project is paused: creators who open the link can't deliver until you resume it."
                    )
                ]
            )
        )
    blocks.append(
        ActionsBlock(
            block_id=f"invite_link_{project.id}",
            elements=[
                ButtonElement(
                    text="Write invite message", action_id=COMPOSE_INVITE, value=encode_value(project.id)
                )
            ],
        )
    )
    return {"response_type": "ephemeral", "text": invite_url, "blocks": [block.to_dict() for block in blocks]}


COMPOSE_INVITE = "project_compose_invite"


def render_project_list(page: ProjectPage) -> dict[str, Any]:
    """`/liteproject list`: a page of projects, newest first, with Previous/Next past the first page."""
    if page.total == 0:
        text = "No lite projects yet. `/liteproject create` makes one."
        return render_line(text)
    first, last = page.offset + 1, page.offset + len(page.projects)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f"*Lite projects* ({first}–{last} of {page.total}), newest first")
        ),
        DividerBlock(),
    ]
    lines = []
    for project in page.projects:
        assert project.id is not None
        counts = page.counts.get(project.id, VideoCounts())
        brand = page.brands.get(project.brand_id, "?")
        lines.append(
            f"{escape(project.link_name)} ({escape(brand)}): {'active' if project.active else 'paused'}"
        )
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=project_summary(project, brand=brand, counts=counts)),
                accessory=ButtonElement(text="Open", action_id=OPEN_PROJECT, value=encode_value(project.id)),
            )
        )
    nav = page_buttons(page, action_id=LIST_PAGE, newer="Previous", older="Next")
    if nav:
        blocks.append(ActionsBlock(block_id="project_list_nav", elements=nav))
    return {
        "response_type": "ephemeral",
        "replace_original": True,
        "text": "\n".join(lines),
        "blocks": [block.to_dict() for block in blocks],
    }


def with_subscription_note(message: dict[str, Any], project: LiteProject) -> dict[str, Any]:
    """The same message for a subscribed channel, saying which project it is about."""
    return _with_source(message, project, why="`/liteproject subscriptions` shows what this channel follows")


def _with_source(message: dict[str, Any], project: LiteProject, *, why: str) -> dict[str, Any]:
    """A message outside the project's own thread: which project it is from, and why it came here."""
    note = ContextBlock(
        elements=[MarkdownTextObject(text=f"From *{escape(truncate(project.link_name, 100))}* · {why}")]
    )
    return {"text": message["text"], "blocks": [*message["blocks"], note.to_dict()][:50]}


def render_brand_domain_notice(project: LiteProject, payload: dict[str, Any]) -> dict[str, Any]:
    """An admin moved this project's brand to another website domain: creators now see the new one."""
    old, new = escape(str(payload.get("old", ""))), escape(str(payload.get("new", "")))
    actor = str(payload.get("actor", ""))
    line = (
        f":warning: <@{actor}> changed the brand's website domain from *{old}* to *{new}*. The invite page "
        f"of *{escape(project.link_name)}* now tells creators to expect emails from {new}."
    )
    text = f"The brand's website domain changed from {old} to {new}; the invite page of {escape(project.link_name)} shows {new}."
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=line)).to_dict()]}


def render_bulk_summary(names: list[str], *, actor_id: str, active: bool) -> dict[str, Any]:
    verb = "resumed" if active else "paused"
    effect = (
        "Creators can deliver videos through their invite links again."
        if active
        else "Creators can't deliver videos to these links until they are resumed."
    )
    listed = ", ".join(f"*{escape(truncate(name, 60))}*" for name in names[:40])
    more = f" and {len(names) - 40} more" if len(names) > 40 else ""
    line = f"<@{actor_id}> {verb} {len(names)} projects: {listed}{more}. {effect}"
    text = f"{len(names)} projects were {verb}: {', '.join(escape(name) for name in names[:40])}{more}."
    return {
        "text": truncate(text, 3000),
        "blocks": [SectionBlock(text=MarkdownTextObject(text=truncate(line, 3000))).to_dict()],
    }


def render_project_updated(
    project: LiteProject,
    *,
    actor_id: str,
    before: dict[str, Any],
    after: dict[str, Any],
    accounts: dict[int, str] | None = None,
) -> dict[str, Any]:
    """The thread note after Edit details: "<@alice> moved the deadline from Dec 7 to Dec 9"."""
    phrases = project_change_phrases(before, after, accounts=accounts)
    line = sentence(f"<@{actor_id}>", phrases) + "."
    return {
        "text": truncate(f"{project.link_name}: {line}", 3000),
        "blocks": [SectionBlock(text=MarkdownTextObject(text=truncate(f":pencil2: {line}", 3000))).to_dict()],
    }


def render_moved_card(project: LiteProject, *, actor_id: str) -> dict[str, Any]:
    """What the old card becomes when its project moves to another channel."""
    line = (
        f":arrow_right: *{escape(project.link_name)}* moved to <#{project.channel_id}> (by <@{actor_id}>). "
        "Its card, alerts and notices are there now."
    )
    return {
        "text": f"{project.link_name} moved to another channel.",
        "blocks": [SectionBlock(text=MarkdownTextObject(text=truncate(line, 3000))).to_dict()],
    }


def with_dm_note(message: dict[str, Any], project: LiteProject) -> dict[str, Any]:
    """The same message as a direct message: which project, and where to switch these off."""
    return _with_source(
        message,
        project,
        why="you get these direct messages because they are on in liteproject's App Home, "
        "where a button turns them off",
    )


def render_archive_notice(project: LiteProject, *, actor_id: str, archived: bool) -> dict[str, Any]:
    name = escape(project.link_name)
    if archived:
        line = (
            f":file_cabinet: <@{actor_id}> archived *{name}*. Its invite link is off; its videos, history and "
            "export are kept, and `/liteproject archived` can restore it."
        )
        text = f"{project.link_name} was archived."
    else:
        line = f":leftwards_arrow_with_hook: <@{actor_id}> restored *{name}*. It stays paused until someone resumes it."
        text = f"{project.link_name} was restored (paused)."
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=line)).to_dict()]}


def render_archive_change(change: ActiveChange) -> dict[str, Any]:
    """The answer to the person who archived or restored a project."""
    name = change.project.link_name
    if change.project.archived_at is not None:
        if not change.changed:
            return render_notice(f"“{name}” is already archived; nothing changed.")
        return render_notice(
            f"Archived “{name}”: its invite link is off and it's hidden from lists and App Home. "
            "Its videos, history and export are kept; `/liteproject archived` can restore it."
        )
    if not change.changed:
        return render_notice(f"“{name}” isn't archived; nothing changed.")
    return render_notice(f"Restored “{name}”. It is paused: resume it when creators may deliver again.")


def render_archived_list(page: ProjectPage) -> dict[str, Any]:
    """`/liteproject archived`: the archived projects, each with Restore."""
    if page.total == 0:
        text = "No archived projects. *Archive project* in Manage project link puts one away."
        return render_line(text)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*Archived lite projects* ({page.total}), newest first")),
        DividerBlock(),
    ]
    for project in page.projects[:45]:
        assert project.id is not None
        counts = page.counts.get(project.id, VideoCounts())
        brand = page.brands.get(project.brand_id, "?")
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=project_summary(project, brand=brand, counts=counts)),
                accessory=restore_button(project),
            )
        )
    names = ", ".join(project.link_name for project in page.projects)
    return {
        "response_type": "ephemeral",
        "text": f"Archived projects: {names}",
        "blocks": [block.to_dict() for block in blocks],
    }
