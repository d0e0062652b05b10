"""Words about TikTok connections: App Home's section, the reconnect DM, the connect pages."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.blocks.payloads import encode_value
from bot.blocks.text import escape
from bot.services.connections import ConnectionView
from bot.settings import Settings
from storage.models import TikTokConnectionKind, TikTokConnectionStatus

DISCONNECT_TIKTOK = "home_disconnect_tiktok"
PICK_TIKTOK_ONE_ACCOUNT = "home_pick_tiktok_one_account"
CONNECT_TIKTOK = "home_connect_tiktok"  # a link button: Slack still sends the action, which is acked
WHAT_CONNECTING_ADDS = (
    "Connecting checks every spark code with TikTok (which video it unlocks, until when), "
    "and adds codes to your Ads Manager accounts from Slack."
)

WHAT_TIKTOK_ONE_ADDS = (
    "Connecting runs your lite projects in TikTok One itself: new projects get TikTok One's invite "
    "link, *Add videos* sends TikTok One linking requests, and spark codes arrive without pasting."
)
WHAT_EACH_ADDS = {
    TikTokConnectionKind.BUSINESS: WHAT_CONNECTING_ADDS,
    TikTokConnectionKind.TIKTOK_ONE: WHAT_TIKTOK_ONE_ADDS,
}

SERVICE_NAMES = {
    TikTokConnectionKind.BUSINESS: "TikTok for Business",
    TikTokConnectionKind.TIKTOK_ONE: "TikTok One",
}


def service_name(kind: str) -> str:
    try:
        return SERVICE_NAMES[TikTokConnectionKind(kind)]
    except ValueError:
        return "TikTok"


def render_reconnect_dm(payload: dict[str, Any], settings: Settings) -> dict[str, Any]:
    name = service_name(str(payload.get("connection_kind", "")))
    text = (
        f":warning: TikTok no longer accepts this workspace's *{name}* connection "
        "(it was revoked or has expired), so liteproject has stopped calling TikTok for it. "
        f"Open liteproject's *Home* tab and press *Connect {name}* to connect again."
    )
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]}


def connection_blocks(view: ConnectionView) -> list[Block]:
    name = SERVICE_NAMES[view.kind]
    buttons: list[ButtonElement] = []
    if view.status is None:
        if view.connect_url is None:
            return []
        text = f"*{name}* · not connected\n{WHAT_EACH_ADDS[view.kind]}"
        buttons.append(
            ButtonElement(
                text=f"Connect {name}", action_id=CONNECT_TIKTOK, url=view.connect_url, value=view.kind.value
            )
        )
    else:
        when = f" on {view.connected_at:%d %b %Y}" if view.connected_at else ""
        who = "with the server's token" if view.from_settings else f"by <@{view.connected_by}>{when}"
        reach = (
            f" · {view.accounts} Ads Manager account{'s' if view.accounts != 1 else ''}"
            if view.kind is TikTokConnectionKind.BUSINESS and not view.from_settings
            else ""
        )
        if view.kind is TikTokConnectionKind.TIKTOK_ONE and view.account_ids:
            reach = f" · TikTok One account `{view.account_ids[0]}`"
        if view.status is TikTokConnectionStatus.NEEDS_RECONNECTING:
            text = (
                f"*{name}* · :warning: needs reconnecting\nTikTok no longer accepts the connection made {who} "
                "(revoked or expired), so nothing is checked with TikTok until it is connected again."
            )
            if view.connect_url is not None:
                buttons.append(
                    ButtonElement(
                        text=f"Connect {name} again",
                        action_id=CONNECT_TIKTOK,
                        url=view.connect_url,
                        value=view.kind.value,
                        style="primary",
                    )
                )
        else:
            text = f"*{name}* · :white_check_mark: connected {who}{reach}"
        if not view.from_settings:
            buttons.append(
                ButtonElement(
                    text="Disconnect",
                    action_id=DISCONNECT_TIKTOK,
                    value=view.kind.value,
                    confirm=ConfirmObject(
                        title=f"Disconnect {name}?",
                        text="Spark codes are no longer checked with TikTok and can't be added to Ads Manager "
                        "from Slack until someone connects again.",
                        confirm="Disconnect",
                        deny="Cancel",
                    ),
                )
            )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if view.kind is TikTokConnectionKind.TIKTOK_ONE and len(view.account_ids) > 1 and view.status:
        options = [Option(text=account, value=account) for account in view.account_ids[:100]]
        blocks.append(
            ActionsBlock(
                block_id="home_tiktok_one_account",
                elements=[
                    StaticSelectElement(
                        action_id=PICK_TIKTOK_ONE_ACCOUNT,
                        placeholder="TikTok One account",
                        options=options,
                        initial_option=options[0],
                    )
                ],
            )
        )
    if buttons:
        blocks.append(ActionsBlock(block_id=f"home_tiktok_{view.kind.value}", elements=buttons))
    return blocks


def connection_context(views: list[ConnectionView]) -> list[Block]:
    blocks: list[Block] = []
    for view in views:
        blocks.extend(connection_blocks(view))
    if blocks:
        blocks.insert(0, ContextBlock(elements=[MarkdownTextObject(text="*TikTok connections*")]))
    return blocks


ADOPT_TIKTOK_ONE_PROJECT = "tiktok_one_adopt_pick"


def render_tiktok_one_choices(project_name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A DM: pick the TikTok One lite project that the liteproject project is."""
    project_id = payload.get("project_id")
    choices = [c for c in payload.get("choices") or [] if isinstance(c, dict)]
    name = escape(project_name)
    if not choices:
        text = (
            f"TikTok One account `{payload.get('account', '')}` has no lite project left to link to *{name}* "
            "(each can be linked to one project). Create it from Slack instead, or check the account in App Home."
        )
        return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]}
    text = f"Which TikTok One lite project is *{name}*? Its invite link, videos and spark codes then come from TikTok One."
    options = [
        Option(
            text=f"{str(c.get('name') or c.get('id'))[:60]} · {c.get('id')}"[:75],
            value=encode_value(project_id, c.get("id")),
        )
        for c in choices[:100]
    ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id=f"tiktok_one_adopt_{project_id}",
            elements=[
                StaticSelectElement(
                    action_id=ADOPT_TIKTOK_ONE_PROJECT, placeholder="TikTok One lite project", options=options
                )
            ],
        ),
    ]
    return {"text": text, "blocks": [block.to_dict() for block in blocks]}
