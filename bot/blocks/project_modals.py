"""Modals for lite projects: Create, Manage project link (Edit details), invite message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot import i18n
from bot.blocks.assets import ANCHOR_KIND_LABELS
from bot.blocks.changes import project_change_phrases, sentence
from bot.blocks.payloads import encode_metadata, encode_value
from bot.blocks.projects import archive_button
from bot.blocks.text import escape, truncate
from bot.services.invites import InviteMessage
from bot.services.projects import (
    AUTHORIZATION_PERIODS,
    AUTOMATIC_LANGUAGE,
    MAX_LENGTHS,
    AssetChoices,
    ManageForm,
    ProjectEdit,
    ProjectOverview,
)
from storage.models import AdsAccount, LiteProject

CREATE_CALLBACK = "project_create"
MANAGE_CALLBACK = "project_manage"
INVITE_CALLBACK = "project_invite_message"
TOGGLE_ACTIVE = "project_manage_toggle"
OPTION_LIMIT = 100  # Slack's static select limit

IMMUTABLE_NOTE = "Can't be changed after the project is created."


def _option(text: str, value: str) -> Option:
    return Option(text=truncate(text, 75), value=value)


def _period_options() -> list[Option]:
    return [_option(f"{days} days", str(days)) for days in AUTHORIZATION_PERIODS]


def _language_options() -> list[Option]:
    automatic = _option("Each creator's phone language", AUTOMATIC_LANGUAGE)
    named = [
        _option(
            lang.english_name if lang.name == lang.english_name else f"{lang.english_name} · {lang.name}",
            lang.tag,
        )
        for lang in i18n.languages().values()
    ]
    return [automatic, *named]


def _creator_language_input(project: LiteProject | None) -> InputBlock:
    options = _language_options()
    chosen = project.creator_language if project and project.creator_language else AUTOMATIC_LANGUAGE
    return InputBlock(
        block_id="creator_language",
        label="Creator language",
        optional=True,
        hint="The language of the invite page and the invite message. Creators can switch on the page; "
        "your brief stays as you write it.",
        element=StaticSelectElement(
            action_id="value",
            options=options,
            initial_option=next((option for option in options if option.value == chosen), options[0]),
        ),
    )


def _account_option(account: AdsAccount) -> Option:
    return _option(f"{account.display_name} ({account.advertiser_id})", str(account.id))


def _text_input(
    block_id: str,
    label: str,
    *,
    max_length: int,
    initial: str | None = None,
    multiline: bool = False,
    optional: bool = False,
    hint: str | None = None,
    placeholder: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id="value",
            max_length=max_length,
            multiline=multiline,
            initial_value=initial or None,
            placeholder=placeholder,
        ),
    )


def _editable_inputs(
    accounts: Sequence[AdsAccount],
    *,
    project: LiteProject | None = None,
    selected_accounts: Sequence[AdsAccount] = (),
    channel_id: str | None = None,
) -> dict[str, InputBlock]:
    account_options = [_account_option(account) for account in accounts[:OPTION_LIMIT]]
    chosen = [_account_option(account) for account in selected_accounts]
    channel = project.channel_id if project else channel_id
    return {
        "link_name": _text_input(
            "link_name",
            "Link name",
            max_length=MAX_LENGTHS["link_name"],
            initial=project.link_name if project else None,
            hint="Creators see this name in the invite link and in linking requests.",
            placeholder="e.g. Summer glow serum launch",
        ),
        "ads_accounts": InputBlock(
            block_id="ads_accounts",
            label="TikTok Ads Manager accounts",
            hint="The advertiser accounts that can use the videos as Spark Ads.",
            element=StaticMultiSelectElement(
                action_id="value",
                placeholder="Choose one or more",
                options=account_options,
                initial_options=chosen or None,
            ),
        ),
        "description": _text_input(
            "description",
            "Description",
            max_length=MAX_LENGTHS["description"],
            multiline=True,
            initial=project.description if project else None,
            hint="Product positioning, target audiences, core features.",
        ),
        "deliverable": _text_input(
            "deliverable",
            "Deliverable",
            max_length=MAX_LENGTHS["deliverable"],
            optional=True,
            initial=project.deliverable if project else None,
            placeholder="e.g. One 30–60 s video of your morning routine",
        ),
        "requirements": _text_input(
            "requirements",
            "Key requirements",
            max_length=MAX_LENGTHS["requirements"],
            multiline=True,
            optional=True,
            initial=project.requirements if project else None,
        ),
        "deadline": InputBlock(
            block_id="deadline",
            label="Deadline",
            optional=True,
            element=DatePickerElement(
                action_id="value",
                initial_date=project.deadline.isoformat() if project and project.deadline else None,
            ),
        ),
        "contact": _text_input(
            "contact",
            "Contact email or phone for creators",
            max_length=254,
            initial=project.contact if project else None,
            hint="Creators use it to check the invite really comes from the brand.",
        ),
        "channel": InputBlock(
            block_id="channel",
            label="Channel for notifications",
            hint="Gets the invite card, pause notices and an alert for every video.",
            element=ConversationSelectElement(
                action_id="value",
                initial_conversation=channel or None,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        ),
        "creator_language": _creator_language_input(project),
    }


def render_create_modal(choices: AssetChoices, *, channel_id: str | None) -> dict[str, Any]:
    brands, anchors, accounts = choices.brands, choices.anchors, choices.accounts
    missing = [
        what
        for what, present in (
            ("a brand profile — `/liteproject brand add`", brands),
            ("an anchor — `/liteproject anchor add`", anchors),
            ("a TikTok Ads Manager account — `/liteproject account add`", accounts),
        )
        if not present
    ]
    if missing:
        lines = "\n".join(f"• {item}" for item in missing)
        return View(
            type="modal",
            callback_id=f"{CREATE_CALLBACK}_setup",
            title="Create lite project",
            close="Close",
            blocks=[
                SectionBlock(
                    text=MarkdownTextObject(
                        text=f"A lite project uses assets you set up once. Add these first, then run "
                        f"`/liteproject create` again:\n{lines}"
                    )
                )
            ],
        ).to_dict()
    inputs = _editable_inputs(accounts, channel_id=channel_id)
    blocks: list[Block] = [
        inputs["link_name"],
        InputBlock(
            block_id="brand",
            label="Brand name",
            hint=f"The brand profile creators see. {IMMUTABLE_NOTE}",
            element=StaticSelectElement(
                action_id="value",
                placeholder="Choose a brand profile",
                options=[_option(brand.name, str(brand.id)) for brand in brands[:OPTION_LIMIT]],
                initial_option=_option(brands[0].name, str(brands[0].id)) if len(brands) == 1 else None,
            ),
        ),
        InputBlock(
            block_id="authorization_days",
            label="Ad authorization period",
            hint=f"How long creators authorize Spark Ads use of their videos. {IMMUTABLE_NOTE}",
            element=StaticSelectElement(
                action_id="value", placeholder="Choose a period", options=_period_options()
            ),
        ),
        InputBlock(
            block_id="anchor",
            label="Anchor",
            hint=f"What the videos promote. {IMMUTABLE_NOTE}",
            element=StaticSelectElement(
                action_id="value",
                placeholder="Choose an anchor",
                options=[
                    _option(
                        f"{anchor.name} ({ANCHOR_KIND_LABELS[anchor.kind]}, {anchor.country})", str(anchor.id)
                    )
                    for anchor in anchors[:OPTION_LIMIT]
                ],
            ),
        ),
        inputs["ads_accounts"],
        inputs["description"],
        inputs["deliverable"],
        inputs["requirements"],
        inputs["deadline"],
        inputs["contact"],
        inputs["channel"],
        inputs["creator_language"],
    ]
    return View(
        type="modal",
        callback_id=CREATE_CALLBACK,
        title="Create lite project",
        submit="Create",
        close="Cancel",
        blocks=blocks,
    ).to_dict()


def render_created_view(project: LiteProject, invite_url: str) -> dict[str, Any]:
    """The Create modal's answer. Written as the dict slack_sdk's `View(...).to_dict()` gives: it is
    on every create's path, and every field is bounded (a link name is at most 100 characters)."""
    name = escape(project.link_name)

    def mrkdwn(text: str) -> dict[str, Any]:
        return {"type": "mrkdwn", "text": text}

    return {
        "type": "modal",
        "callback_id": f"{CREATE_CALLBACK}_done",
        "title": {"type": "plain_text", "text": "Lite project created", "emoji": True},
        "close": {"type": "plain_text", "text": "Done", "emoji": True},
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    f":white_check_mark: *{name}* is ready. Its invite card is on its way to <#{project.channel_id}>."
                ),
            },
            {
                "type": "section",
                "text": mrkdwn(f"*Invite link* — share it with creators:\n```{invite_url}```"),
            },
            {
                "type": "context",
                "elements": [
                    mrkdwn(
                        f"`/liteproject link {escape(truncate(project.link_name, 60))}` shows it again with a "
                        "ready-to-send invite message."
                    )
                ],
            },
        ],
    }


def render_manage_modal(form: ManageForm) -> dict[str, Any]:
    """Manage project link: the Active invite link switch and Edit details."""
    overview = form.overview
    project = overview.project
    if project.active:
        state = ":large_green_circle: *Active invite link: on* — creators can deliver videos."
        toggle = ButtonElement(
            text="Pause link", action_id=TOGGLE_ACTIVE, value=encode_value(project.id, "off"), style="danger"
        )
    else:
        state = (
            ":double_vertical_bar: *Active invite link: off* — the project is paused; creators can't deliver."
        )
        toggle = ButtonElement(
            text="Resume link", action_id=TOGGLE_ACTIVE, value=encode_value(project.id, "on"), style="primary"
        )
    inputs = _editable_inputs(form.accounts, project=project, selected_accounts=overview.accounts)
    fixed = (
        f"*Brand:* {escape(overview.brand.name)} · *Ad authorization period:* {project.authorization_days} days · "
        f"*Anchor:* {escape(overview.anchor.name)}\nThese can't be changed after creation."
    )
    blocks: list[Block] = [
        SectionBlock(block_id="active", text=MarkdownTextObject(text=state), accessory=toggle),
        DividerBlock(),
        HeaderBlock(text="Edit details"),
        ContextBlock(elements=[MarkdownTextObject(text=fixed)]),
        *(
            inputs[name]
            for name in ("link_name", "description", "ads_accounts", "deliverable", "requirements")
        ),
        *(inputs[name] for name in ("deadline", "contact", "channel", "creator_language")),
        InputBlock(
            block_id="managers",
            label="Project managers",
            optional=True,
            hint="Besides you and workspace admins, they may edit, pause, review and see spark codes.",
            element=UserMultiSelectElement(action_id="value", initial_users=list(overview.managers) or None),
        ),
        DividerBlock(),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Done with this project? Archiving turns its link off and hides it; nothing is deleted."
                )
            ]
        ),
        ActionsBlock(block_id="archive", elements=[archive_button(project)]),
    ]
    return View(
        type="modal",
        callback_id=MANAGE_CALLBACK,
        private_metadata=encode_metadata(project_id=project.id),
        title="Manage project link",
        submit="Save",
        close="Close",
        blocks=blocks,
    ).to_dict()


def render_manage_readonly(overview: ProjectOverview) -> dict[str, Any]:
    """Manage project link for someone who may look but not change: the state, and whom to ask."""
    project = overview.project
    state = (
        ":large_green_circle: *Active invite link: on* — creators can deliver videos."
        if project.active
        else ":double_vertical_bar: *Active invite link: off* — the project is paused; creators can't deliver."
    )
    managers = ", ".join(f"<@{user}>" for user in overview.managers)
    ask = f"<@{project.created_by}> (its owner)" + (f", or a project manager: {managers}" if managers else "")
    details = [
        f"*Brand*\n{escape(overview.brand.name)}",
        f"*Ad authorization period*\n{project.authorization_days} days",
        f"*Notifications*\n<#{project.channel_id}>",
        f"*Deadline*\n{project.deadline.isoformat() if project.deadline else '—'}",
    ]
    blocks: list[Block] = [
        SectionBlock(block_id="active", text=MarkdownTextObject(text=state)),
        SectionBlock(fields=[MarkdownTextObject(text=item) for item in details]),
        DividerBlock(),
        SectionBlock(
            text=MarkdownTextObject(
                text=truncate(
                    f":lock: You can look at “{escape(project.link_name)}” but not change it. To pause it, edit "
                    f"its details or become a project manager, ask {ask}. Workspace admins can change it too.",
                    3000,
                )
            )
        ),
    ]
    return View(
        type="modal",
        callback_id=f"{MANAGE_CALLBACK}_readonly",
        title="Manage project link",
        close="Close",
        blocks=blocks,
    ).to_dict()


def render_invite_message_modal(project: LiteProject, *, sender_email: str | None = None) -> dict[str, Any]:
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"Compose the message that goes with the invite link for *{escape(project.link_name)}*. "
                "Creators are wary of unfamiliar links: TikTok One advises sending from an official company "
                "email on the brand's domain and explaining the project."
            )
        ),
        _text_input("sender_name", "Your name", max_length=100, placeholder="e.g. Maya Chen"),
        _text_input(
            "sender_email",
            "Your company email",
            max_length=254,
            initial=sender_email,
            hint="Use an address on the brand's domain, not a free-mail one.",
        ),
        InputBlock(
            block_id="style",
            label="Sending by",
            element=RadioButtonsElement(
                action_id="value",
                options=[_option("Email", "email"), _option("WhatsApp or text", "chat")],
                initial_option=_option("Email", "email"),
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=INVITE_CALLBACK,
        private_metadata=encode_metadata(project_id=project.id),
        title="Invite message",
        submit="Compose",
        close="Cancel",
        blocks=blocks,
    ).to_dict()


def render_composed_invite(message: InviteMessage) -> dict[str, Any]:
    blocks: list[Block] = []
    for warning in message.warnings:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f":warning: {escape(warning)}")]))
    if message.subject:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"*Subject*\n```{escape(message.subject)}```"))
        )
    # the body was composed to fit (see invites.BODY_LIMIT); truncate is only a last guard
    blocks.append(
        SectionBlock(text=MarkdownTextObject(text=truncate(f"*Message*\n```{escape(message.body)}```", 3000)))
    )
    blocks.append(
        ContextBlock(
            elements=[PlainTextObject(text="Select the text above and copy it into your email or chat.")]
        )
    )
    return View(
        type="modal",
        callback_id=f"{INVITE_CALLBACK}_done",
        title="Invite message",
        close="Done",
        blocks=blocks,
    ).to_dict()


def render_edit_saved(edit: ProjectEdit) -> dict[str, Any]:
    """The modal after Edit details: what was saved, in words, and where the team hears about it."""
    project = edit.project
    phrases = project_change_phrases(edit.before, edit.after, accounts=edit.accounts)
    if phrases:
        line = (
            f":white_check_mark: Saved “{escape(project.link_name)}”: you "
            + sentence("", phrases).strip()
            + "."
        )
        where = f"A note is in the project's thread in <#{project.channel_id}>."
    else:
        line = f"Nothing to save: every field of “{escape(project.link_name)}” is as it was."
        where = "Change a field and press Save, or close this."
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=truncate(line, 3000))),
        ContextBlock(elements=[MarkdownTextObject(text=where)]),
    ]
    return View(type="modal", title="Manage project link", close="Done", blocks=blocks).to_dict()


def render_archived_view(project: LiteProject) -> dict[str, Any]:
    """Manage project link after *Archive project*."""
    line = (
        f":file_cabinet: Archived “{escape(project.link_name)}”. Its invite link is off and it's hidden from lists "
        "and App Home; its videos, history and export are kept. `/liteproject archived` can restore it."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=truncate(line, 3000)))]
    return View(type="modal", title="Manage project link", close="Done", blocks=blocks).to_dict()
