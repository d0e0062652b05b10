"""The one registry of `/liteproject` subcommands: it drives dispatch, help and the manifest hint."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient


@dataclass
class Invocation:
    """One `/liteproject <name> <args>` call, with what Bolt injected for it."""

    name: str
    args: str
    body: dict[str, Any]
    ack: AsyncAck
    respond: AsyncRespond
    client: AsyncWebClient
    context: AsyncBoltContext


Run = Callable[[Invocation], Awaitable[None]]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    description: str
    run: Run = field(compare=False)
    aliases: tuple[str, ...] = ()
    details: str = ""  # shown by `help <name>` only: what a person needs beyond one line


SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(
    name: str, *, usage: str, description: str, aliases: tuple[str, ...] = (), details: str = ""
) -> Callable[[Run], Run]:
    """Register a subcommand; `usage` is what follows `/liteproject` (e.g. `show <project>`)."""

    def decorate(run: Run) -> Run:
        entry = Subcommand(
            name=name, usage=usage, description=description, run=run, aliases=aliases, details=details
        )
        for key in (name, *aliases):
            if key in SUBCOMMANDS:
                raise ValueError(f"subcommand {key!r} registered twice")
            SUBCOMMANDS[key] = entry
        return run

    return decorate


# the order help shows: the project's life first, then assets, notifications, help itself
HELP_ORDER = (
    "create",
    "list",
    "show",
    "link",
    "edit",
    "pause",
    "resume",
    "archive",
    "archived",
    "videos",
    "add-videos",
    "adopt",
    "export",
    "performance",
    "brand",
    "brands",
    "account",
    "accounts",
    "anchor",
    "anchors",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "broadcast",
    "status",
    "history",
    "help",
)


def listed() -> list[Subcommand]:
    """Each subcommand once (aliases folded in), in HELP_ORDER, then any others by name."""
    entries = {entry.name: entry for entry in SUBCOMMANDS.values()}
    rank = {name: index for index, name in enumerate(HELP_ORDER)}
    return sorted(entries.values(), key=lambda entry: (rank.get(entry.name, len(rank)), entry.name))


def find(name: str) -> Subcommand | None:
    return SUBCOMMANDS.get(name.lower())


def split(body: dict[str, Any]) -> tuple[str, str]:
    """`/liteproject <name> <args>`: the subcommand's name as typed, and what follows it."""
    name, _, args = (body.get("text") or "").strip().partition(" ")
    return name, args.strip()


def suggest(name: str) -> str | None:
    """The closest subcommand name to a mistyped one, if any is close enough."""
    matches = difflib.get_close_matches(name.lower(), list(SUBCOMMANDS), n=1, cutoff=0.6)
    return SUBCOMMANDS[matches[0]].name if matches else None
