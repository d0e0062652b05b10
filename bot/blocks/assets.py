"""Brand profiles, Ads Manager accounts and anchors: their modals, lists and confirmations."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.text import COMMAND, escape, truncate
from bot.services.assets import NextStep
from storage.models import AdsAccount, Anchor, AnchorKind, BrandProfile

# view callback ids; block ids are the service's field names, so errors map onto them directly
BRAND_ADD = "brand_add"
BRAND_EDIT = "brand_edit"
ADS_ACCOUNT_ADD = "ads_account_add"
ANCHOR_ADD = "anchor_add"
# the Edit button on each brand of the `brands` list; its value is the brand id
EDIT_BRAND = "brand_edit_open"
# Edit and Remove on each account of `accounts` and each anchor of `anchors`; values are ids
ADS_ACCOUNT_EDIT = "ads_account_edit"
ANCHOR_EDIT = "anchor_edit"
EDIT_ADS_ACCOUNT = "ads_account_edit_open"
REMOVE_ADS_ACCOUNT = "ads_account_remove"
EDIT_ANCHOR = "anchor_edit_open"
REMOVE_ANCHOR = "anchor_remove"
# each account or anchor takes two blocks (its line, then Edit and Remove)
ITEM_BUDGET = 22

# a message holds at most 50 blocks: the intro and the footer take two
LIST_BLOCK_BUDGET = 45

ANCHOR_KIND_LABELS = {
    AnchorKind.WEBPAGE: "Webpage",
    AnchorKind.APP_DOWNLOAD: "App download",
    AnchorKind.GAMING: "Gaming",
    AnchorKind.TIKTOK_SHOP: "TikTok Shop product",
}

# the markets offered in the anchor modal (a select holds at most 100 options), by name
MARKETS = {
    "AR": "Argentina",
    "AU": "Australia",
    "AT": "Austria",
    "BH": "Bahrain",
    "BD": "Bangladesh",
    "BE": "Belgium",
    "BR": "Brazil",
    "BG": "Bulgaria",
    "KH": "Cambodia",
    "CA": "Canada",
    "CL": "Chile",
    "CO": "Colombia",
    "CR": "Costa Rica",
    "HR": "Croatia",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DK": "Denmark",
    "DO": "Dominican Republic",
    "EC": "Ecuador",
    "EG": "Egypt",
    "EE": "Estonia",
    "FI": "Finland",
    "FR": "France",
    "DE": "Germany",
    "GH": "Ghana",
    "GR": "Greece",
    "GT": "Guatemala",
    "HK": "Hong Kong",
    "HU": "Hungary",
    "IS": "Iceland",
    "ID": "Indonesia",
    "IQ": "Iraq",
    "IE": "Ireland",
    "IL": "Israel",
    "IT": "Italy",
    "JP": "Japan",
    "JO": "Jordan",
    "KZ": "Kazakhstan",
    "KE": "Kenya",
    "KW": "Kuwait",
    "LV": "Latvia",
    "LB": "Lebanon",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "MY": "Malaysia",
    "MT": "Malta",
    "MX": "Mexico",
    "MA": "Morocco",
    "NL": "Netherlands",
    "NZ": "New Zealand",
    "NG": "Nigeria",
    "NO": "Norway",
    "OM": "Oman",
    "PK": "Pakistan",
    "PA": "Panama",
    "PE": "Peru",
    "PH": "Philippines",
    "PL": "Poland",
    "PT": "Portugal",
    "PR": "Puerto Rico",
    "QA": "Qatar",
    "RO": "Romania",
    "SA": "Saudi Arabia",
    "RS": "Serbia",
    "SG": "Singapore",
    "SK": "Slovakia",
    "SI": "Slovenia",
    "ZA": "South Africa",
    "KR": "South Korea",
    "ES": "Spain",
    "LK": "Sri Lanka",
    "SE": "Sweden",
    "CH": "Switzerland",
    "TW": "Taiwan",
    "TH": "Thailand",
    "TR": "Türkiye",
    "UA": "Ukraine",
    "AE": "United Arab Emirates",
    "GB": "United Kingdom",
    "US": "United States",
    "UY": "Uruguay",
    "UZ": "Uzbekistan",
    "VN": "Vietnam",
}

NEXT_STEPS = {
    NextStep.ADD_BRAND: (f"{COMMAND} brand add", "adds the brand profile creators will see."),
    NextStep.ADD_ADS_ACCOUNT: (
        f"{COMMAND} account add",
        "adds the TikTok Ads Manager account that runs the ads.",
    ),
    NextStep.ADD_ANCHOR: (f"{COMMAND} anchor add", "adds the anchor the videos will promote."),
    NextStep.CREATE_PROJECT: (f"{COMMAND} create", "creates a lite project with it."),
}


# --- private_metadata: only ids -------------------------------------------------------------------


def modal_metadata(*, channel_id: str | None, brand_id: int | None = None, item_id: int | None = None) -> str:
    """The ids a modal carries: where to confirm, and which brand (account, anchor) is being edited."""
    data: dict[str, Any] = {}
    if channel_id:
        data["channel_id"] = channel_id
    if brand_id is not None:
        data["brand_id"] = brand_id
    if item_id is not None:
        data["id"] = item_id
    return json.dumps(data, separators=(",", ":"))


def read_metadata(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# --- modals ----------------------------------------------------------------------------------------


def _text_input(
    block_id: str,
    label: str,
    *,
    hint: str | None = None,
    placeholder: str | None = None,
    initial: str | None = None,
    max_length: int | None = None,
    optional: bool = False,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        hint=hint,
        optional=optional,
        element=PlainTextInputElement(
            action_id=block_id,
            placeholder=placeholder,
            initial_value=initial or None,
            max_length=max_length,
        ),
    )


def render_brand_modal(*, channel_id: str | None, brand: BrandProfile | None = None) -> dict[str, Any]:
    """ "Add brand profile", or the same form prefilled to edit `brand`."""
    blocks: list[Block] = [
        _text_input(
            "name",
            "Brand name",
            hint="Creators see it in the invite. One profile per brand in this workspace.",
            placeholder="GlowCo",
            initial=brand.name if brand else None,
            max_length=100,
        ),
        _text_input(
            "website",
            "Website",
            hint="Its domain (e.g. glowco.com) is what creators are told to expect in emails from you.",
            placeholder="https://www.glowco.com",
            initial=brand.website if brand else None,
            max_length=500,
        ),
        _text_input(
            "contact_email",
            "Contact email",
            hint="An address on the website's domain, so creators can check it's really the brand.",
            placeholder="partners@glowco.com",
            initial=brand.contact_email if brand else None,
            max_length=254,
        ),
        _text_input(
            "logo_url",
            "Logo URL",
            hint="Optional: an https:// link to the brand's logo.",
            placeholder="https://www.glowco.com/logo.png",
            initial=brand.logo_url if brand else None,
            max_length=1000,
            optional=True,
        ),
    ]
    view = View(
        type="modal",
        callback_id=BRAND_EDIT if brand else BRAND_ADD,
        title="Edit brand profile" if brand else "Add brand profile",
        submit="Save" if brand else "Add brand",
        close="Cancel",
        private_metadata=modal_metadata(channel_id=channel_id, brand_id=brand.id if brand else None),
        blocks=blocks,
    )
    return view.to_dict()


def render_ads_account_modal(*, channel_id: str | None, account: AdsAccount | None = None) -> dict[str, Any]:
    """ "Add Ads Manager account", or the form to rename `account` (its advertiser ID stays)."""
    name = _text_input(
        "display_name",
        "Display name",
        hint="How your team will recognise it when creating a project.",
        placeholder="GlowCo US",
        initial=account.display_name if account else None,
        max_length=100,
    )
    blocks: list[Block] = (
        [
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Advertiser ID* `{account.advertiser_id}` (it's how TikTok knows the account, so it "
                    "stays; remove the account and add another to change it)."
                )
            ),
            name,
        ]
        if account
        else [
            _text_input(
                "advertiser_id",
                "Advertiser ID",
                hint="The account's numeric ID in TikTok Ads Manager (6 to 20 digits).",
                placeholder="7123456789012345678",
                max_length=20,
            ),
            name,
        ]
    )
    view = View(
        type="modal",
        callback_id=ADS_ACCOUNT_EDIT if account else ADS_ACCOUNT_ADD,
        title="Edit Ads Manager account" if account else "Add Ads Manager account",
        submit="Save" if account else "Add account",
        close="Cancel",
        private_metadata=modal_metadata(channel_id=channel_id, item_id=account.id if account else None),
        blocks=blocks,
    )
    return view.to_dict()


def render_anchor_modal(*, channel_id: str | None, anchor: Anchor | None = None) -> dict[str, Any]:
    """ "Add anchor", or the same form prefilled to edit `anchor`."""
    kinds = [Option(value=kind.value, label=label) for kind, label in ANCHOR_KIND_LABELS.items()]
    markets = [
        Option(value=code, label=f"{name} ({code})")
        for code, name in sorted(MARKETS.items(), key=lambda item: item[1])
    ]
    blocks: list[Block] = [
        InputBlock(
            block_id="kind",
            label="Anchor type",
            hint="What the videos promote. It decides which link below is needed.",
            element=StaticSelectElement(
                action_id="kind",
                placeholder="Choose a type",
                options=kinds,
                initial_option=next((o for o in kinds if anchor and o.value == anchor.kind.value), None),
            ),
        ),
        _text_input(
            "name",
            "Anchor name",
            hint="Internal only: creators don't see it. You pick the anchor by this name when creating a project.",
            placeholder="Serum landing page",
            initial=anchor.name if anchor else None,
            max_length=100,
        ),
        InputBlock(
            block_id="country",
            label="Country",
            hint="Where the anchor is visible.",
            element=StaticSelectElement(
                action_id="country",
                placeholder="Choose a country",
                options=markets,
                initial_option=next((o for o in markets if anchor and o.value == anchor.country), None),
            ),
        ),
        _text_input(
            "url",
            "Webpage URL",
            hint="Webpage anchors: the page the anchor links to.",
            placeholder="https://www.glowco.com/serum",
            initial=anchor.url if anchor else None,
            max_length=1000,
            optional=True,
        ),
        _text_input(
            "ios_url",
            "App Store URL",
            hint="App download and gaming anchors: the apps.apple.com link. Add it, the Google Play link, or both.",
            placeholder="https://apps.apple.com/us/app/…",
            initial=anchor.ios_url if anchor else None,
            max_length=1000,
            optional=True,
        ),
        _text_input(
            "android_url",
            "Google Play URL",
            hint="App download and gaming anchors: the play.google.com link.",
            placeholder="https://play.google.com/store/apps/details?id=…",
            initial=anchor.android_url if anchor else None,
            max_length=1000,
            optional=True,
        ),
        _text_input(
            "product_id",
            "TikTok Shop product ID",
            hint="TikTok Shop product anchors: the product's numeric ID.",
            placeholder="1729384756102938475",
            initial=anchor.product_id if anchor else None,
            max_length=64,
            optional=True,
        ),
    ]
    view = View(
        type="modal",
        callback_id=ANCHOR_EDIT if anchor else ANCHOR_ADD,
        title="Edit anchor" if anchor else "Add anchor",
        submit="Save" if anchor else "Add anchor",
        close="Cancel",
        private_metadata=modal_metadata(channel_id=channel_id, item_id=anchor.id if anchor else None),
        blocks=blocks,
    )
    return view.to_dict()


# --- lists (ephemeral answers) ------------------------------------------------------------------


def _ephemeral(text: str, blocks: Sequence[Block]) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text, "blocks": [block.to_dict() for block in blocks]}


def _empty(what: str, add: str) -> dict[str, Any]:
    text = f"No {what} yet. `{COMMAND} {add}` adds one."
    return _ephemeral(text, [SectionBlock(text=MarkdownTextObject(text=text))])


def _footer(shown: int, total: int, what: str, add: str) -> ContextBlock:
    lead = f"Showing {shown} of {total} {what}. " if shown < total else ""
    return ContextBlock(
        elements=[
            MarkdownTextObject(text=f"{lead}`{COMMAND} {add}` adds another. Only you can see this message.")
        ]
    )


def render_brand_list(brands: Sequence[BrandProfile]) -> dict[str, Any]:
    if not brands:
        return _empty("brand profiles", "brand add")
    count = len(brands)
    title = f"*Brand profiles* ({count})"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=title))]
    for brand in brands[:LIST_BLOCK_BUDGET]:
        logo = " · logo" if brand.logo_url else ""
        # a profile mirrored from TikTok One comes without a contact email: Edit adds one
        contact = escape(brand.contact_email) or "no contact email yet: Edit to add one"
        where = " · in TikTok One" if brand.tto_brand_profile_id else ""
        blocks.append(
            SectionBlock(
                block_id=f"brand_{brand.id}",
                text=MarkdownTextObject(
                    text=f"*{escape(truncate(brand.name, 100))}*\n"
                    f"{escape(brand.domain) or 'no website'} · {contact}{logo}{where}"
                ),
                accessory=ButtonElement(text="Edit", action_id=EDIT_BRAND, value=str(brand.id)),
            )
        )
    shown = min(count, LIST_BLOCK_BUDGET)
    blocks.append(_footer(shown, count, "brand profiles", "brand add"))
    names = ", ".join(escape(brand.name) for brand in brands[:shown])
    return _ephemeral(truncate(f"Brand profiles ({count}): {names}", 3000), blocks)


def _item_blocks(item_id: int | None, line: str, *, edit: str, remove: str, what: str) -> list[Block]:
    """An account's or anchor's line, then its Edit and Remove (asking first) buttons."""
    value = str(item_id)
    return [
        SectionBlock(text=MarkdownTextObject(text=truncate(line, 3000))),
        ActionsBlock(
            block_id=f"{remove}_{item_id}",
            elements=[
                ButtonElement(text="Edit", action_id=edit, value=value),
                ButtonElement(
                    text="Remove",
                    action_id=remove,
                    value=value,
                    confirm=ConfirmObject(
                        title=f"Remove this {what}?",
                        text=f"It is refused while a project uses this {what}.",
                        confirm="Remove",
                        deny="Cancel",
                    ),
                ),
            ],
        ),
    ]


def render_ads_account_list(
    accounts: Sequence[AdsAccount], *, unreachable: Collection[str] = ()
) -> dict[str, Any]:
    """`unreachable`: advertiser ids the workspace's TikTok for Business connection can't act for."""
    if not accounts:
        return _empty("TikTok Ads Manager accounts", "account add")
    count = len(accounts)
    shown = min(count, ITEM_BUDGET)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*TikTok Ads Manager accounts* ({count})"))
    ]
    for account in accounts[:shown]:
        line = f"*{escape(account.display_name)}* · advertiser ID `{account.advertiser_id}`" + (
            "\n:warning: The TikTok for Business connection can't reach this account: spark codes can't be "
            "checked with it or added to it from Slack. Whoever connected needs access to it in TikTok, "
            "then connects again from liteproject's Home tab."
            if account.advertiser_id in unreachable
            else ""
        )
        blocks += _item_blocks(
            account.id, line, edit=EDIT_ADS_ACCOUNT, remove=REMOVE_ADS_ACCOUNT, what="Ads Manager account"
        )
    blocks.append(_footer(shown, count, "accounts", "account add"))
    names = ", ".join(f"{escape(a.display_name)} ({a.advertiser_id})" for a in accounts[:shown])
    return _ephemeral(truncate(f"TikTok Ads Manager accounts ({count}): {names}", 3000), blocks)


def anchor_links(anchor: Anchor) -> list[str]:
    if anchor.kind is AnchorKind.TIKTOK_SHOP:
        return [f"product ID {anchor.product_id}"] if anchor.product_id else []
    links = [("", anchor.url), ("App Store: ", anchor.ios_url), ("Google Play: ", anchor.android_url)]
    return [f"{label}{url}" for label, url in links if url]


def render_anchor_list(anchors: Sequence[Anchor]) -> dict[str, Any]:
    if not anchors:
        return _empty("anchors", "anchor add")
    count = len(anchors)
    shown = min(count, ITEM_BUDGET)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*Anchors* ({count})"))]
    for anchor in anchors[:shown]:
        links = " · ".join(escape(truncate(link, 300)) for link in anchor_links(anchor))
        line = f"*{escape(anchor.name)}* · {ANCHOR_KIND_LABELS[anchor.kind]} · {anchor.country}\n{links}".rstrip()
        blocks += _item_blocks(anchor.id, line, edit=EDIT_ANCHOR, remove=REMOVE_ANCHOR, what="anchor")
    blocks.append(_footer(shown, count, "anchors", "anchor add"))
    names = ", ".join(escape(anchor.name) for anchor in anchors[:shown])
    return _ephemeral(truncate(f"Anchors ({count}): {names}", 3000), blocks)


# --- usage and confirmations ----------------------------------------------------------------------


def render_usage(noun: str, plural: str, what: str) -> dict[str, Any]:
    """`/liteproject brand` with no or unknown words: what the command takes."""
    text = f"`{COMMAND} {noun} add` adds {what}; `{COMMAND} {plural}` lists them."
    return _ephemeral(text, [SectionBlock(text=MarkdownTextObject(text=text))])


def _confirmation(line: str, step: NextStep) -> dict[str, Any]:
    command, purpose = NEXT_STEPS[step]
    next_line = f"Next: `{command}` {purpose}"
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=f":white_check_mark: {line}")),
        ContextBlock(elements=[MarkdownTextObject(text=next_line)]),
    ]
    plain = line.replace("*", "")
    return {"text": f"{plain} Next: {command}", "blocks": [block.to_dict() for block in blocks]}


def render_brand_saved(brand: BrandProfile, *, created: bool, next_step: NextStep) -> dict[str, Any]:
    verb = "Added" if created else "Saved"
    line = (
        f"{verb} brand profile *{escape(brand.name)}*. Creators will be told to expect emails from "
        f"{escape(brand.domain)}."
    )
    return _confirmation(line, next_step)


def render_ads_account_saved(
    account: AdsAccount, *, next_step: NextStep, created: bool = True
) -> dict[str, Any]:
    verb = "Added" if created else "Saved"
    line = f"{verb} TikTok Ads Manager account *{escape(account.display_name)}* ({account.advertiser_id})."
    return _confirmation(line, next_step)


def render_anchor_saved(anchor: Anchor, *, next_step: NextStep, created: bool = True) -> dict[str, Any]:
    verb = "Added" if created else "Saved"
    line = f"{verb} anchor *{escape(anchor.name)}* ({ANCHOR_KIND_LABELS[anchor.kind]}, {anchor.country})."
    return _confirmation(line, next_step)
