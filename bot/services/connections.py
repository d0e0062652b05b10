"""A workspace's TikTok connections: connect, disconnect, the token to call with, reconnecting.

Tokens are stored encrypted (Fernet, with a key derived by HKDF from `SECRET_KEY`, else
`SLACK_SIGNING_SECRET`): the database alone doesn't give them away. Changing that secret leaves
the stored tokens unreadable; such a connection turns to "needs reconnecting" like a revoked one.

Single-workspace installs may set `TIKTOK_BUSINESS_ACCESS_TOKEN` instead of connecting: it is
stored as the workspace's `business` connection the first time it is needed (and replaced when
the setting changes), so a revoked settings token is reported the same way as a connected one.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import record_event
from bot.services.errors import Forbidden
from bot.services.notices import NoticeKind
from bot.services.workspaces import Actor, workspace_id_of
from bot.settings import Settings
from storage import connections as connection_queries
from storage import outbox as outbox_queries
from storage.models import TikTokConnection, TikTokConnectionKind, TikTokConnectionStatus, utcnow

log = logging.getLogger(__name__)

SEEDED_BY_SETTINGS = "settings"  # connected_by of a connection made from TIKTOK_BUSINESS_ACCESS_TOKEN
KEY_INFO = b"liteproject tiktok tokens v1"


@lru_cache(maxsize=8)
def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(settings: Settings, value: str) -> str:
    return _fernet(settings.encryption_secret).encrypt(value.encode()).decode()


def decrypt(settings: Settings, value: str) -> str | None:
    """The stored value, or None when it was encrypted with another secret."""
    try:
        return _fernet(settings.encryption_secret).decrypt(value.encode()).decode()
    except (InvalidToken, ValueError):
        return None


@dataclass(frozen=True)
class Credential:
    """What a job calls TikTok with. `repr` leaves the token out."""

    connection_id: int
    workspace_id: int
    kind: TikTokConnectionKind
    access_token: str
    account_ids: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Credential(connection_id={self.connection_id}, kind={self.kind.value})"


async def connect(
    session: AsyncSession,
    *,
    settings: Settings,
    workspace_id: int,
    kind: TikTokConnectionKind,
    access_token: str,
    account_ids: list[str],
    connected_by: str,
    refresh_token: str | None = None,
) -> TikTokConnection:
    """Store (or replace) the workspace's connection of this kind, connected now."""
    connection = await connection_queries.get_connection(
        session, workspace_id=workspace_id, kind=kind, for_update=True
    )
    if connection is None:
        connection = TikTokConnection(
            workspace_id=workspace_id, kind=kind, access_token_encrypted="", connected_by=""
        )
        session.add(connection)
    connection.access_token_encrypted = encrypt(settings, access_token)
    connection.refresh_token_encrypted = encrypt(settings, refresh_token) if refresh_token else None
    connection.account_ids = [str(account) for account in account_ids]
    connection.status = TikTokConnectionStatus.CONNECTED
    connection.connected_by = connected_by
    connection.connected_at = utcnow()
    connection.last_error = None
    await session.flush()
    record_event(
        session,
        connection,
        actor=connected_by,
        action="tiktok.connected",
        after={"kind": kind.value, "accounts": connection.account_ids},
    )
    return connection


async def disconnect(
    session: AsyncSession, *, workspace_id: int, kind: TikTokConnectionKind, actor: str
) -> bool:
    connection = await connection_queries.get_connection(session, workspace_id=workspace_id, kind=kind)
    if connection is None:
        return False
    record_event(session, connection, actor=actor, action="tiktok.disconnected", before={"kind": kind.value})
    return await connection_queries.delete_connection(session, workspace_id=workspace_id, kind=kind)


async def connection_of(
    session: AsyncSession, *, settings: Settings, workspace_id: int, kind: TikTokConnectionKind
) -> TikTokConnection | None:
    """The workspace's connection of this kind, seeding it from the settings token when there is one."""
    connection = await connection_queries.get_connection(session, workspace_id=workspace_id, kind=kind)
    seed = settings.tiktok_business_access_token if kind is TikTokConnectionKind.BUSINESS else None
    if seed is None or settings.oauth_enabled:
        return connection  # a multi-workspace install never hands one token to every workspace
    if connection is not None and (
        connection.connected_by != SEEDED_BY_SETTINGS
        or decrypt(settings, connection.access_token_encrypted) == seed
    ):
        return connection  # a person's own connection, or the settings token as stored
    # the first use of the settings token, or the operator set a new one: it replaces the old one
    # (and clears "needs reconnecting")
    return await connect(
        session,
        settings=settings,
        workspace_id=workspace_id,
        kind=kind,
        access_token=seed,
        account_ids=list(connection.account_ids) if connection is not None else [],
        connected_by=SEEDED_BY_SETTINGS,
    )


async def token_for(
    session: AsyncSession, *, settings: Settings, workspace_id: int, kind: TikTokConnectionKind
) -> Credential | None:
    """The token to call TikTok with for this workspace, or None (not connected, or needs reconnecting).

    A token that can't be decrypted (the server secret changed) marks the connection as needing
    reconnecting, in the caller's transaction.
    """
    connection = await connection_of(session, settings=settings, workspace_id=workspace_id, kind=kind)
    if connection is None or connection.status is not TikTokConnectionStatus.CONNECTED:
        return None
    token = decrypt(settings, connection.access_token_encrypted)
    if token is None:
        await mark_needs_reconnecting(
            session,
            connection=connection,
            reason="the stored token can't be read (the server secret changed)",
        )
        return None
    assert connection.id is not None
    return Credential(connection.id, workspace_id, kind, token, tuple(connection.account_ids))


async def mark_needs_reconnecting(
    session: AsyncSession, *, connection: TikTokConnection, reason: str
) -> bool:
    """TikTok refused the token: the connection waits to be made again, and whoever made it hears
    once (per connection made), not at every refused call. True when it was connected until now."""
    assert connection.id is not None
    if connection.status is TikTokConnectionStatus.NEEDS_RECONNECTING:
        return False
    connection.status = TikTokConnectionStatus.NEEDS_RECONNECTING
    connection.last_error = reason[:500]
    log.warning(
        "TikTok connection %s (%s) needs reconnecting: %s", connection.id, connection.kind.value, reason
    )
    record_event(
        session,
        connection,
        actor="tiktok",
        action="tiktok.needs_reconnecting",
        after={"kind": connection.kind.value, "reason": reason[:200]},
    )
    if connection.connected_by.startswith(("U", "W")):
        await outbox_queries.add_outbox_message(
            session,
            workspace_id=connection.workspace_id,
            dedup_key=f"tiktok-reconnect:{connection.id}:{connection.connected_at.isoformat()}",
            kind=NoticeKind.TIKTOK_RECONNECT.value,
            channel_id=connection.connected_by,
            payload={"connection_kind": connection.kind.value},
        )
    return True


async def mark_needs_reconnecting_by_id(session: AsyncSession, *, connection_id: int, reason: str) -> bool:
    connection = await session.get(TikTokConnection, connection_id, with_for_update=True)
    if connection is None:
        return False
    return await mark_needs_reconnecting(session, connection=connection, reason=reason)


@dataclass(frozen=True)
class ConnectionView:
    """What App Home shows about one kind of connection."""

    kind: TikTokConnectionKind
    status: TikTokConnectionStatus | None  # None: not connected
    connect_url: str | None  # None: this server can't run the connect flow
    connected_by: str | None = None
    connected_at: dt.datetime | None = None
    accounts: int = 0
    from_settings: bool = False
    account_ids: tuple[str, ...] = ()  # TikTok One: the accounts, the one in use first


async def home_views(session: AsyncSession, *, settings: Settings, actor: Actor) -> list[ConnectionView]:
    """What App Home shows about the workspace's TikTok connections (for Business, TikTok One)."""
    from bot.services.tiktok_oauth import connect_link  # it builds on this module

    workspace_id = await workspace_id_of(session, actor)
    views = []
    for kind in (TikTokConnectionKind.BUSINESS, TikTokConnectionKind.TIKTOK_ONE):
        connection = await connection_of(session, settings=settings, workspace_id=workspace_id, kind=kind)
        link = (
            connect_link(settings, workspace_id=workspace_id, user_id=actor.user_id, kind=kind)
            if settings.tiktok_connect_enabled
            else None
        )
        if connection is None:
            views.append(ConnectionView(kind, None, link))
            continue
        views.append(
            ConnectionView(
                kind,
                connection.status,
                link,
                connected_by=connection.connected_by,
                connected_at=connection.connected_at,
                accounts=len(connection.account_ids),
                from_settings=connection.connected_by == SEEDED_BY_SETTINGS,
                account_ids=tuple(connection.account_ids),
            )
        )
    return views


async def _require_connector(actor: Actor, connection: TikTokConnection, *, change: str) -> None:
    """Only whoever connected it, or a workspace admin, may change a connection."""
    if connection.connected_by != actor.user_id and not await actor.is_workspace_admin():
        raise Forbidden(
            f"Only the person who connected it, or a workspace admin, can {change}.",
            markup=f"Only <@{connection.connected_by}>, who connected it, or a workspace admin can {change}.",
        )


async def disconnect_as(session: AsyncSession, *, actor: Actor, kind: TikTokConnectionKind) -> bool:
    """Disconnect for a person: whoever connected it, or a workspace admin."""
    workspace_id = await workspace_id_of(session, actor)
    connection = await connection_queries.get_connection(session, workspace_id=workspace_id, kind=kind)
    if connection is None:
        return False
    if connection.connected_by == SEEDED_BY_SETTINGS:
        raise Forbidden(
            "This connection comes from the server's TIKTOK_BUSINESS_ACCESS_TOKEN setting: ask whoever runs liteproject to remove it."
        )
    await _require_connector(actor, connection, change="disconnect it")
    return await disconnect(session, workspace_id=workspace_id, kind=kind, actor=actor.user_id)


async def pick_account(
    session: AsyncSession, *, actor: Actor, kind: TikTokConnectionKind, account_id: str
) -> bool:
    """Make one of the connection's accounts the one the workspace works in (it goes first)."""
    workspace_id = await workspace_id_of(session, actor)
    connection = await connection_queries.get_connection(
        session, workspace_id=workspace_id, kind=kind, for_update=True
    )
    if connection is None or account_id not in connection.account_ids:
        raise Forbidden("That account isn't one this TikTok connection may use: connect again to refresh it.")
    await _require_connector(actor, connection, change="change the account")
    if connection.account_ids[0] == account_id:
        return False
    connection.account_ids = [account_id, *(a for a in connection.account_ids if a != account_id)]
    record_event(
        session,
        connection,
        actor=actor.user_id,
        action="tiktok.account_picked",
        after={"kind": kind.value, "account": account_id},
    )
    if kind is TikTokConnectionKind.TIKTOK_ONE:
        from bot.services.tiktok_one_assets import on_account_changed  # it imports this module

        await on_account_changed(session, workspace_id=workspace_id, key=f"picked-{utcnow().timestamp()}")
    return True


async def is_connected(
    session: AsyncSession, *, settings: Settings, workspace_id: int, kind: TikTokConnectionKind
) -> bool:
    """Whether calls can be made for the workspace (read only: seeds nothing)."""
    connection = await connection_queries.get_connection(session, workspace_id=workspace_id, kind=kind)
    if connection is not None:
        return connection.status is TikTokConnectionStatus.CONNECTED
    seeded = kind is TikTokConnectionKind.BUSINESS and settings.tiktok_business_access_token is not None
    return seeded and not settings.oauth_enabled


async def unreachable_advertisers(
    session: AsyncSession, *, settings: Settings, workspace_id: int, advertiser_ids: list[str]
) -> set[str]:
    """Of these advertiser ids, those the workspace's connection says it can't act for (none when
    not connected, or when the token's reach is unknown, as with a token from the settings)."""
    connection = await connection_queries.get_connection(
        session, workspace_id=workspace_id, kind=TikTokConnectionKind.BUSINESS
    )
    if connection is None or not connection.account_ids:
        return set()
    return {advertiser for advertiser in advertiser_ids if advertiser not in connection.account_ids}
