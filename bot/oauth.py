"""Multi-workspace mode: Bolt's OAuth settings, with slack_sdk's stores on our own database.

`GET /slack/install` sends the installer to Slack's consent screen (with a one-time state kept in
`slack_oauth_states`); `GET /slack/oauth_redirect` exchanges the code for the workspace's bot token
and keeps it in `slack_installations`/`slack_bots` (migration 0004); Bolt then authorizes every
request with the token of the workspace (and Enterprise Grid org) it came from.
"""

from __future__ import annotations

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# how long an install link's state stays valid
STATE_EXPIRATION_SECONDS = 600
# manifest.yml's oauth_config.scopes.bot (tests/bot/test_oauth.py keeps the two equal): the
# package is installed without the manifest, so the scopes asked for at install live here
BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "channels:join",
    "channels:history",
    "groups:history",
    "files:write",
    "im:write",
    "users:read",
    "links:read",
    "links:write",
)


def not_installed_message(settings: Settings) -> str:
    """What someone in a workspace without an installation sees instead of an answer."""
    return (
        "liteproject isn't installed in this workspace (or was uninstalled). "
        f"A workspace admin can install it here: {settings.public_base_url}{INSTALL_PATH}"
    )


def build_installation_store(settings: Settings, engine: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    assert settings.slack_client_id is not None
    return AsyncSQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)


def build_oauth_settings(settings: Settings, engine: AsyncEngine) -> AsyncOAuthSettings:
    """Bolt's OAuth settings for SLACK_CLIENT_ID/SECRET, stores on DATABASE_URL's engine."""
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=f"{settings.public_base_url}{REDIRECT_PATH}",
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        # the install link goes straight to Slack's consent screen rather than to a page with a button
        install_page_rendering_enabled=False,
        installation_store=build_installation_store(settings, engine),
        # the app asks for bot scopes only: requests are authorized with the workspace's bot token
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine
        ),
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
    )


async def forget_workspace(
    store: AsyncInstallationStore,
    *,
    enterprise_id: str | None,
    team_id: str | None,
    is_enterprise_install: bool,
    user_id: str | None = None,
) -> None:
    """Delete the workspace's (or, for an org-wide install, the org's) installations.

    With `user_id`, only that installer's user token goes; without, the bot and every installation.
    Grid ids are kept as they came: an org-wide install is stored with its enterprise id and no team.
    """
    team = None if is_enterprise_install else team_id
    if user_id is not None:
        await store.async_delete_installation(enterprise_id=enterprise_id, team_id=team, user_id=user_id)
        return
    await store.async_delete_bot(enterprise_id=enterprise_id, team_id=team)
    await store.async_delete_installation(enterprise_id=enterprise_id, team_id=team)


async def bot_token_for(
    store: AsyncInstallationStore, *, team_id: str, enterprise_id: str = ""
) -> str | None:
    """The bot token a workspace installed the app with (its own, else its Grid org's), if any.

    Takes the ids as `storage.models.Workspace` keeps them ('' for "no enterprise").
    """
    enterprise = enterprise_id or None
    bot = await store.async_find_bot(enterprise_id=enterprise, team_id=team_id or None)
    if bot is None and enterprise is not None:
        bot = await store.async_find_bot(enterprise_id=enterprise, team_id=None, is_enterprise_install=True)
    return bot.bot_token if bot is not None else None
