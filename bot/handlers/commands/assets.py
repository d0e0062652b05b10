"""`/liteproject brand|anchor|account add` and `brands`, `anchors`, `accounts`: the assets a project uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.assets import (
    render_ads_account_list,
    render_ads_account_modal,
    render_anchor_list,
    render_anchor_modal,
    render_brand_list,
    render_brand_modal,
    render_usage,
)
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.common import sessions_of, settings_of
from bot.services import assets, connections
from bot.services.workspaces import Actor, workspace_id_of

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class ListAssets(Protocol[T_co]):
    def __call__(self, session: AsyncSession, *, actor: Actor) -> Awaitable[Sequence[T_co]]: ...


async def _list(
    call: Invocation, found: ListAssets[T], render: Callable[[Sequence[T]], dict[str, Any]]
) -> None:
    """The workspace's assets of one kind, answered in the ack."""
    async with sessions_of(call.context).begin() as session:
        listed = await found(session, actor=Actor.from_context(call.context))
    await call.ack(**render(listed))


@dataclass(frozen=True)
class AddForm:
    plural: str  # the subcommand that lists them
    what: str
    form: Callable[..., dict[str, Any]]  # the modal, given the channel the command came from
    description: str


ADD_FORMS = {
    "brand": AddForm(
        "brands",
        "a brand profile",
        render_brand_modal,
        "Add a brand profile: name, website, contact email, logo.",
    ),
    "anchor": AddForm(
        "anchors",
        "an anchor (what the videos promote)",
        render_anchor_modal,
        "Add an anchor: a webpage, app, game or TikTok Shop product.",
    ),
    "account": AddForm(
        "accounts",
        "a TikTok Ads Manager account",
        render_ads_account_modal,
        "Add a TikTok Ads Manager account: advertiser ID and a name.",
    ),
}


async def add_asset(call: Invocation) -> None:
    """`<asset> add` opens the asset's modal; any other words get what the command takes."""
    add = ADD_FORMS[call.name]
    if call.args.lower() != "add":
        await call.ack(**render_usage(call.name, add.plural, add.what))
        return
    await call.ack()
    view = add.form(channel_id=call.body.get("channel_id"))
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


for name, add in ADD_FORMS.items():
    subcommand(name, usage=f"{name} add", description=add.description)(add_asset)


@subcommand("brands", usage="brands", description="List the brand profiles, with Edit.")
async def brands(call: Invocation) -> None:
    await _list(call, assets.list_brands, render_brand_list)


@subcommand("anchors", usage="anchors", description="List the anchors.")
async def anchors(call: Invocation) -> None:
    await _list(call, assets.list_anchors, render_anchor_list)


@subcommand("accounts", usage="accounts", description="List the TikTok Ads Manager accounts.")
async def accounts(call: Invocation) -> None:
    actor = Actor.from_context(call.context)
    async with sessions_of(call.context).begin() as session:
        found = await assets.list_ads_accounts(session, actor=actor)
        workspace_id = await workspace_id_of(session, actor)
        unreachable = await connections.unreachable_advertisers(
            session,
            settings=settings_of(call.context),
            workspace_id=workspace_id,
            advertiser_ids=[account.advertiser_id for account in found],
        )
    await call.ack(**render_ads_account_list(found, unreachable=unreachable))
