"""Forget a workspace's installation when it uninstalls the app (multi-workspace mode)."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncBoltContext

from bot.oauth import forget_workspace

log = logging.getLogger(__name__)


async def forget_uninstalled_workspace(context: AsyncBoltContext) -> None:
    store = context.get("installation_store")
    if store is None:
        return  # single-workspace mode: the token lives in SLACK_BOT_TOKEN, nothing is stored
    await forget_workspace(
        store,
        enterprise_id=context.enterprise_id,
        team_id=context.team_id,
        is_enterprise_install=bool(context.is_enterprise_install),
    )
    log.info("app uninstalled from %s/%s: installation deleted", context.enterprise_id, context.team_id)
