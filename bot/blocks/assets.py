"""Brand profiles, Ads Manager accounts and anchors: their modals, lists and confirmations."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

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

from bot.blocks.errors import render_notice
from bot.blocks.payloads import encode_metadata, encode_value
from bot.blocks.text import COMMAND, ephemeral_line, escape, truncate
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
# what an edit modal calls the asset's id in its private_metadata: the services' keyword for it
ID_NAMES = {BRAND_EDIT: "brand_id", ADS_ACCOUNT_EDIT: "account_id", ANCHOR_EDIT: "anchor_id"}
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


# --- modals ----------------------------------------------------------------------------------------


class TextField(NamedTuple):
    """A text input of an asset modal; its block id is the asset's attribute and the service's field."""

    name: str
    label: str
    hint: str
    placeholder: str
    max_length: int
    optional: bool = False


def _text_inputs(fields: Sequence[TextField], item: object | None) -> list[Block]:
    """The inputs, prefilled from `item` (the asset being edited) when there is one."""
    return [
        InputBlock(
            block_id=field.name,
            label=field.label,
            hint=field.hint,
            optional=field.optional,
            element=PlainTextInputElement(
                action_id=field.name,
                placeholder=field.placeholder,
                initial_value=(getattr(item, field.name) if item else None) or None,
                max_length=field.max_length,
            ),
        )
        for field in fields
    ]


def _select(
    block_id: str, label: str, *, hint: str, placeholder: str, options: list[Option], initial: str | None
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        hint=hint,
        element=StaticSelectElement(
            action_id=block_id,
            placeholder=placeholder,
            options=options,
            initial_option=next((option for option in options if option.value == initial), None),
        ),
    )


BRAND_INPUTS = (
    TextField(
        "name",
        "Brand name",
        "Creators see it in the invite. One profile per brand in this workspace.",
        "GlowCo",
        100,
    ),
    TextField(
        "website",
        "Website",
        "Its domain (e.g. glowco.com) is what creators are told to expect in emails from you.",
        "https://www.glowco.com",
        500,
    ),
    TextField(
        "contact_email",
        "Contact email",
        "An address on the website's domain, so creators can check it's really the brand.",
        "partners@glowco.com",
        254,
    ),
    TextField(
        "logo_url",
        "Logo URL",
        "Optional: an https:// link to the brand's logo.",
        "https://www.glowco.com/logo.png",
        1000,
        optional=True,
    ),
)
ADVERTISER_ID_INPUT = TextField(
    "advertiser_id",
    "Advertiser ID",
    "The account's numeric ID in TikTok Ads Manager (6 to 20 digits).",
    "7123456789012345678",
    20,
)
DISPLAY_NAME_INPUT = TextField(
    "display_name",
    "Display name",
    "How your team will recognise it when creating a project.",
    "GlowCo US",
    100,
)
ANCHOR_NAME_INPUT = TextField(
    "name",
    "Anchor name",
    "Internal only: creators don't see it. You pick the anchor by this name when creating a project.",
    "Serum landing page",
    100,
)
# the anchor's links, all optional: which one is needed depends on its type
ANCHOR_LINK_INPUTS = (
    TextField(
        "url",
        "Webpage URL",
        "Webpage anchors: the page the anchor links to.",
        "https://www.glowco.com/serum",
        1000,
        optional=True,
    ),
    TextField(
        "ios_url",
        "App Store URL",
        "App download and gaming anchors: the apps.apple.com link. Add it, the Google Play link, or both.",
        "https://apps.apple.com/us/app/…",
        1000,
        optional=True,
    ),
    TextField(
        "android_url",
        "Google Play URL",
        "App download and gaming anchors: the play.google.com link.",
        "https://play.google.com/store/apps/details?id=…",
        1000,
        optional=True,
    ),
    TextField(
        "product_id",
        "TikTok Shop product ID",
        "TikTok Shop product anchors: the product's numeric ID.",
        "1729384756102938475",
        64,
        optional=True,
    ),
)


def _asset_modal(
    item: BrandProfile | AdsAccount | Anchor | None,
    channel_id: str | None,
    *,
    callbacks: tuple[str, str],
    noun: str,
    add: str,
    blocks: list[Block],
) -> dict[str, Any]:
    """The Add modal of an asset, or its Edit modal when `item` is given; the modal carries where to
    confirm and which asset it edits (under the id's name in the services, e.g. `brand_id`)."""
    adding, editing = callbacks
    view = View(
        type="modal",
        callback_id=editing if item else adding,
        title=f"Edit {noun}" if item else f"Add {noun}",
        submit="Save" if item else add,
        close="Cancel",
        private_metadata=encode_metadata(
            channel_id=channel_id or None, **{ID_NAMES[editing]: item.id if item else None}
        ),
        blocks=blocks,
    )
    return view.to_dict()


def render_brand_modal(*, channel_id: str | None, brand: BrandProfile | None = None) -> dict[str, Any]:
    """ "Add brand profile", or the same form prefilled to edit `brand`."""
    return _asset_modal(
        brand,
        channel_id,
        callbacks=(BRAND_ADD, BRAND_EDIT),
        noun="brand profile",
        add="Add brand",
        blocks=_text_inputs(BRAND_INPUTS, brand),
    )


def render_ads_account_modal(*, channel_id: str | None, account: AdsAccount | None = None) -> dict[str, Any]:
    """ "Add Ads Manager account", or the form to rename `account` (its advertiser ID stays)."""
    blocks: list[Block] = (
        [
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Advertiser ID* `{account.advertiser_id}` (it's how TikTok knows the account, so it "
                    "stays; remove the account and add another to change it)."
                )
            ),
            *_text_inputs([DISPLAY_NAME_INPUT], account),
        ]
        if account
        else _text_inputs([ADVERTISER_ID_INPUT, DISPLAY_NAME_INPUT], None)
    )
    return _asset_modal(
        account,
        channel_id,
        callbacks=(ADS_ACCOUNT_ADD, ADS_ACCOUNT_EDIT),
        noun="Ads Manager account",
        add="Add account",
        blocks=blocks,
    )


def render_anchor_modal(*, channel_id: str | None, anchor: Anchor | None = None) -> dict[str, Any]:
    """ "Add anchor", or the same form prefilled to edit `anchor`."""
    kinds = [Option(value=kind.value, label=label) for kind, label in ANCHOR_KIND_LABELS.items()]
    markets = [
        Option(value=code, label=f"{name} ({code})")
        for code, name in sorted(MARKETS.items(), key=lambda item: item[1])
    ]
    blocks: list[Block] = [
        _select(
            "kind",
            "Anchor type",
            hint="What the videos promote. It decides which link below is needed.",
            placeholder="Choose a type",
            options=kinds,
            initial=anchor.kind.value if anchor else None,
        ),
        *_text_inputs([ANCHOR_NAME_INPUT], anchor),
        _select(
            "country",
            "Country",
            hint="Where the anchor is visible.",
            placeholder="Choose a country",
            options=markets,
            initial=anchor.country if anchor else None,
        ),
        *_text_inputs(ANCHOR_LINK_INPUTS, anchor),
    ]
    return _asset_modal(
        anchor,
        channel_id,
        callbacks=(ANCHOR_ADD, ANCHOR_EDIT),
        noun="anchor",
        add="Add anchor",
        blocks=blocks,
    )


# --- lists (ephemeral answers) ------------------------------------------------------------------


def _ephemeral(text: str, blocks: Sequence[Block]) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text, "blocks": [block.to_dict() for block in blocks]}


def _empty(what: str, add: str) -> dict[str, Any]:
    return ephemeral_line(f"No {what} yet. `{COMMAND} {add}` adds one.")


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
                accessory=ButtonElement(text="Edit", action_id=EDIT_BRAND, value=encode_value(brand.id)),
            )
        )
    shown = min(count, LIST_BLOCK_BUDGET)
    blocks.append(_footer(shown, count, "brand profiles", "brand add"))
    names = ", ".join(escape(brand.name) for brand in brands[:shown])
    return _ephemeral(truncate(f"Brand profiles ({count}): {names}", 3000), blocks)


def _item_blocks(item_id: int | None, line: str, *, edit: str, remove: str, what: str) -> list[Block]:
    """An account's or anchor's line, then its Edit and Remove (asking first) buttons."""
    value = encode_value(item_id)
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
    return ephemeral_line(f"`{COMMAND} {noun} add` adds {what}; `{COMMAND} {plural}` lists them.")


def render_edit_modal(item: AdsAccount | Anchor, *, channel_id: str | None) -> dict[str, Any]:
    """*Edit* on an account or anchor of a list: its modal, prefilled."""
    if isinstance(item, AdsAccount):
        return render_ads_account_modal(channel_id=channel_id, account=item)
    return render_anchor_modal(channel_id=channel_id, anchor=item)


def render_removed(
    item: AdsAccount | Anchor, remaining: Sequence[Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """After *Remove*: the list (of `item`'s kind) redrawn without it, and the line saying so."""
    if isinstance(item, AdsAccount):
        line = f"Removed the Ads Manager account “{item.display_name}”."
        return render_ads_account_list(remaining), render_notice(line)
    return render_anchor_list(remaining), render_notice(f"Removed the anchor “{item.name}”.")


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
