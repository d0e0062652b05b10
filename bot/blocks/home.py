"""The App Home tab: Create lite project, then the projects, newest first."""

from __future__ import annotations

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
from slack_sdk.models.views import View

from bot.blocks.projects import (
    COPY_INVITE_LINK,
    OPEN_PROJECT,
    PAUSE_PROJECT,
    RESUME_PROJECT,
    counts_label,
    deadline_label,
    status_label,
)
from bot.blocks.text import escape, truncate
from bot.services.projects import ProjectPage
from storage.crud import VideoCounts

CREATE_FROM_HOME = "home_create_project"
HOME_PAGE = "home_page"


def render_home(page: ProjectPage) -> dict[str, Any]:
    blocks: list[Block] = [
        HeaderBlock(text="Lite projects"),
        SectionBlock(
            text=MarkdownTextObject(
                text="Share an invite link with the creators you work with; they deliver videos through it, "
                "and the project's channel hears about each one."
            ),
        ),
        ActionsBlock(
            block_id="home_actions",
            elements=[ButtonElement(text="Create lite project", action_id=CREATE_FROM_HOME, style="primary")],
        ),
        DividerBlock(),
    ]
    if page.total == 0:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="No lite projects yet. Press *Create lite project*, or type `/liteproject create` in a channel."
                )
            )
        )
    for project in page.projects:
        assert project.id is not None
        counts = page.counts.get(project.id, VideoCounts())
        brand = page.brands.get(project.brand_id, "?")
        summary = (
            f"*{escape(project.link_name)}* · {escape(brand)}\n{status_label(project)} · {counts_label(counts)} · "
            f"deadline {deadline_label(project.deadline)}"
        )
        value = str(project.id)
        toggle = (
            ButtonElement(
                text="Pause",
                action_id=PAUSE_PROJECT,
                value=value,
                confirm=ConfirmObject(
                    title="Pause this project?",
                    text="Creators won't be able to deliver videos through the invite link until you resume it.",
                    confirm="Pause",
                    deny="Cancel",
                ),
            )
            if project.active
            else ButtonElement(text="Resume", action_id=RESUME_PROJECT, value=value)
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(summary, 3000))))
        blocks.append(
            ActionsBlock(
                block_id=f"home_project_{project.id}",
                elements=[
                    ButtonElement(text="Open", action_id=OPEN_PROJECT, value=value),
                    ButtonElement(text="Copy invite link", action_id=COPY_INVITE_LINK, value=value),
                    toggle,
                ],
            )
        )
    nav = []
    if page.offset > 0:
        nav.append(
            ButtonElement(
                text="Newer", action_id=f"{HOME_PAGE}_prev", value=str(max(0, page.offset - page.limit))
            )
        )
    if page.has_next:
        nav.append(
            ButtonElement(text="Older", action_id=f"{HOME_PAGE}_next", value=str(page.offset + page.limit))
        )
    if page.total:
        first, last = page.offset + 1, page.offset + len(page.projects)
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"Projects {first}–{last} of {page.total}")])
        )
    if nav:
        blocks.append(ActionsBlock(block_id="home_nav", elements=nav))
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text="`/liteproject help` in any channel lists every command.")]
        )
    )
    return View(type="home", blocks=blocks).to_dict()
