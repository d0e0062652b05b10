"""manifest.yml against what the code registers and calls."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.blocks.text import COMMAND
from bot.handlers.commands.registry import listed
from bot.handlers.events import LISTENERS

ROOT = Path(__file__).resolve().parents[1]
SLACK_URL = "https://YOUR-HOST/slack/events"

# the bot scopes each Web API method needs
SCOPES_OF_METHOD: dict[str, tuple[str, ...]] = {
    "chat_postMessage": ("chat:write",),
    "conversations_history": ("channels:history", "groups:history"),
    "conversations_replies": ("channels:history", "groups:history"),
    "chat_update": ("chat:write",),
    "chat_postEphemeral": ("chat:write",),
    "chat_getPermalink": (),
    "conversations_info": ("channels:read",),
    "conversations_join": ("channels:join",),
    "users_info": ("users:read",),
    "files_upload_v2": ("files:write",),
    "conversations_open": ("im:write",),
    "chat_unfurl": ("links:write",),
    "views_open": (),
    "views_push": (),
    "views_update": (),
    "views_publish": (),
    "auth_test": (),
}
# the bot scopes each subscribed event needs
SCOPES_OF_EVENT: dict[str, tuple[str, ...]] = {"link_shared": ("links:read",)}
CLIENT_CALL = re.compile(r"\bclient\.([a-z]+_[A-Za-z0-9_]+)\(")


def load_manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def methods_called_by_the_code() -> set[str]:
    methods: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        methods.update(CLIENT_CALL.findall(path.read_text()))
    return methods


def test_slash_command_matches_the_registry() -> None:
    (command,) = load_manifest()["features"]["slash_commands"]

    assert command["command"] == COMMAND
    assert command["url"] == SLACK_URL
    assert command["usage_hint"].split(" ", 1)[0] in {entry.name for entry in listed()}
    assert command["description"]


def test_every_url_points_at_the_one_events_endpoint() -> None:
    settings = load_manifest()["settings"]

    assert settings["interactivity"] == {"is_enabled": True, "request_url": SLACK_URL}
    assert settings["event_subscriptions"]["request_url"] == SLACK_URL


def test_subscribed_events_are_exactly_the_registered_listeners() -> None:
    events = load_manifest()["settings"]["event_subscriptions"]["bot_events"]

    assert sorted(events) == sorted(LISTENERS)


def test_home_tab_is_on_because_app_home_opened_is_handled() -> None:
    features = load_manifest()["features"]

    assert features["app_home"]["home_tab_enabled"] is True
    assert features["bot_user"]["display_name"]


def test_bot_scopes_are_exactly_those_the_code_needs() -> None:
    called = methods_called_by_the_code()
    unknown = called - set(SCOPES_OF_METHOD)
    assert not unknown, f"add these Web API methods to SCOPES_OF_METHOD with their scopes: {unknown}"
    needed = {"commands"} | {scope for method in called for scope in SCOPES_OF_METHOD[method]}
    needed |= {scope for event in LISTENERS for scope in SCOPES_OF_EVENT.get(event, ())}

    scopes = load_manifest()["oauth_config"]["scopes"]["bot"]

    assert sorted(scopes) == sorted(needed)


def test_links_unfurl_on_the_public_host_and_tiktok() -> None:
    manifest = load_manifest()

    assert sorted(manifest["features"]["unfurl_domains"]) == ["YOUR-HOST", "tiktok.com"]
    assert "link_shared" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"links:read", "links:write"} <= set(manifest["oauth_config"]["scopes"]["bot"])
