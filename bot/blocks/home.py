"""The App Home tab: Create lite project, then the projects, newest first."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.connections import ConnectionView, connection_context
from bot.blocks.projects import (
    COPY_INVITE_LINK,
    OPEN_PROJECT,
    page_buttons,
    pause_or_resume_button,
    project_summary,
)
from bot.services.projects import ProjectPage
from storage.crud import VideoCounts

CREATE_FROM_HOME = "home_create_project"
HOME_PAGE = "home_page"
TOGGLE_ACTION_DMS = "home_toggle_action_dms"


def render_home(
    page: ProjectPage, *, action_dms: bool = False, connections: list[ConnectionView] | None = None
) -> dict[str, Any]:
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
        value = str(project.id)
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=project_summary(project, brand=brand, counts=counts)))
        )
        blocks.append(
            ActionsBlock(
                block_id=f"home_project_{project.id}",
                elements=[
                    ButtonElement(text="Open", action_id=OPEN_PROJECT, value=value),
                    ButtonElement(text="Copy invite link", action_id=COPY_INVITE_LINK, value=value),
                    pause_or_resume_button(project),
                ],
            )
        )
    nav = page_buttons(page, action_id=HOME_PAGE, newer="Newer", older="Older")
    if page.total:
        first, last = page.offset + 1, page.offset + len(page.projects)
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"Projects {first}–{last} of {page.total}")])
        )
    if nav:
        blocks.append(ActionsBlock(block_id="home_nav", elements=nav))
    tiktok = connection_context(connections or [])
    if tiktok:
        blocks.append(DividerBlock())
        blocks.extend(tiktok)
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text="`/liteproject help` in any channel lists every command.")]
        )
    )
    return View(type="home", blocks=blocks).to_dict()
