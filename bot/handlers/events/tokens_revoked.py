"""Drop revoked tokens from the installation store (multi-workspace mode)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from bot.oauth import forget_workspace

log = logging.getLogger(__name__)


async def forget_revoked_tokens(event: dict[str, Any], context: AsyncBoltContext) -> None:
    store = context.get("installation_store")
    if store is None:
        return  # single-workspace mode: the token lives in SLACK_BOT_TOKEN, nothing is stored
    tokens = event.get("tokens") or {}
    enterprise_id, team_id = context.enterprise_id, context.team_id
    org_wide = bool(context.is_enterprise_install)
    for user_id in tokens.get("oauth") or []:
        await forget_workspace(
            store,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=org_wide,
            user_id=user_id,
        )
    if tokens.get("bot"):
        await forget_workspace(
            store, enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=org_wide
        )
    log.info("tokens revoked in %s/%s: %s", context.enterprise_id, context.team_id, tokens)
