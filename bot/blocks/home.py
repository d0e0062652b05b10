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

from bot.blocks.connections import connection_context
from bot.blocks.payloads import encode_metadata, encode_value
from bot.blocks.projects import (
    COPY_INVITE_LINK,
    OPEN_PROJECT,
    SHOW_PERFORMANCE,
    page_buttons,
    pause_or_resume_button,
    project_summary,
)
from bot.services.connections import ConnectionView
from bot.services.projects import ProjectPage
from storage.projects import VideoCounts

CREATE_FROM_HOME = "home_create_project"
HOME_PAGE = "home_page"
TOGGLE_ACTION_DMS = "home_toggle_action_dms"
HOME_SCOPE = "home_scope"  # Mine / All; the view's private_metadata remembers the choice
MINE, ALL = "mine", "all"


def _dm_switch(action_dms: bool) -> SectionBlock:
    if action_dms:
        line = (
            ":bell: *Direct messages: on.* I message you when a creator delivers a video to a project "
            "you created or manage, or answers a linking request you sent."
        )
        button = ButtonElement(text="Turn off", action_id=TOGGLE_ACTION_DMS, value="off")
    else:
        line = (
            ":no_bell: *Direct messages: off.* Turn them on to hear directly when a creator delivers a video "
            "to a project you created or manage, or answers a linking request you sent."
        )
        button = ButtonElement(text="Turn on", action_id=TOGGLE_ACTION_DMS, value="on", style="primary")
    return SectionBlock(block_id="home_dms", text=MarkdownTextObject(text=line), accessory=button)


def _scope_buttons(mine: bool) -> ActionsBlock:
    return ActionsBlock(
        block_id="home_scope",
        elements=[
            ButtonElement(
                text="Mine", action_id=f"{HOME_SCOPE}_{MINE}", value=MINE, style="primary" if mine else None
            ),
            ButtonElement(
                text="All", action_id=f"{HOME_SCOPE}_{ALL}", value=ALL, style=None if mine else "primary"
            ),
        ],
    )


def render_home(
    page: ProjectPage,
    *,
    action_dms: bool = False,
    connections: list[ConnectionView] | None = None,
    week_lines: dict[int, str] | None = None,
) -> dict[str, Any]:
    scope = MINE if page.mine else ALL
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
        _dm_switch(action_dms),
        DividerBlock(),
        HeaderBlock(text="Your projects" if page.mine else "All projects"),
        _scope_buttons(page.mine),
    ]
    if page.total == 0:
        empty = (
            "You don't own or manage a lite project yet. *All* shows the workspace's projects."
            if page.mine
            else "No lite projects yet. Press *Create lite project*, or type `/liteproject create` in a channel."
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=empty)))
    for project in page.projects:
        assert project.id is not None
        counts = page.counts.get(project.id, VideoCounts())
        brand = page.brands.get(project.brand_id, "?")
        value = encode_value(project.id)
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=project_summary(project, brand=brand, counts=counts)))
        )
        if week_lines and project.id in week_lines:  # views and spend this week, when TikTok reports them
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=week_lines[project.id])]))
        blocks.append(
            ActionsBlock(
                block_id=f"home_project_{project.id}",
                elements=[
                    ButtonElement(text="Open", action_id=OPEN_PROJECT, value=value),
                    ButtonElement(text="Copy invite link", action_id=COPY_INVITE_LINK, value=value),
                    pause_or_resume_button(project),
                    ButtonElement(text="Performance", action_id=SHOW_PERFORMANCE, value=value),
                ],
            )
        )
    nav = [
        ButtonElement(
            text=button.text.text, action_id=button.action_id, value=encode_value(scope, button.value)
        )
        for button in page_buttons(page, action_id=HOME_PAGE, newer="Newer", older="Older")
        if button.text is not None
    ]
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
    return View(type="home", private_metadata=encode_metadata(scope=scope), blocks=blocks).to_dict()
