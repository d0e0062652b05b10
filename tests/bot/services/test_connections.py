"""TikTok connections: tokens encrypted at rest, the settings token, "needs reconnecting" once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import connections
from bot.settings import Settings
from storage.models import OutboxMessage, TikTokConnection, TikTokConnectionKind, TikTokConnectionStatus
from tests.factories import make_connection, make_workspace
from tests.harness.server import make_settings
from tests.harness.slack_requests import USER_ID

BUSINESS = TikTokConnectionKind.BUSINESS


def settings_with(database_url: str, **overrides: object) -> Settings:
    return make_settings(
        database_url=database_url, slack_api_url="http://127.0.0.1:9/api/", port=3000, **overrides
    )


async def connect(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    workspace_id: int,
    access_token: str,
    account_ids: list[str],
) -> int:
    """Connect the workspace to TikTok API for Business as USER_ID; the connection's id."""
    async with sessions.begin() as session:
        connection = await make_connection(
            session,
            settings=settings,
            workspace_id=workspace_id,
            access_token=access_token,
            account_ids=account_ids,
        )
    assert connection.id is not None
    return connection.id


async def new_workspace_id(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
    assert workspace.id is not None
    return workspace.id


async def test_the_token_is_encrypted_and_a_changed_secret_asks_for_reconnecting(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    settings = settings_with(database_url)
    workspace_id = await new_workspace_id(sessions)
    await connect(
        sessions,
        settings,
        workspace_id=workspace_id,
        access_token="act.secret-token",
        account_ids=["7000000000000000001"],
    )
    async with sessions.begin() as session:
        credential = await connections.token_for(
            session, settings=settings, workspace_id=workspace_id, kind=BUSINESS
        )
        raw = (await session.execute(select(TikTokConnection))).scalar_one().access_token_encrypted
    assert credential is not None and credential.access_token == "act.secret-token"
    assert credential.account_ids == ("7000000000000000001",)
    assert "secret-token" not in raw and "secret-token" not in repr(credential)

    rotated = settings_with(database_url, secret_key="x" * 40)
    async with sessions.begin() as session:
        assert (
            await connections.token_for(session, settings=rotated, workspace_id=workspace_id, kind=BUSINESS)
            is None
        )
    async with sessions() as session:
        connection = (await session.execute(select(TikTokConnection))).scalar_one()
        dms = (await session.execute(select(OutboxMessage))).scalars().all()
    assert connection.status is TikTokConnectionStatus.NEEDS_RECONNECTING
    assert [dm.channel_id for dm in dms] == [USER_ID]


async def test_a_refused_token_sends_one_dm_to_whoever_connected_it(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    settings = settings_with(database_url)
    workspace_id = await new_workspace_id(sessions)
    connection_id = await connect(
        sessions, settings, workspace_id=workspace_id, access_token="act.t", account_ids=[]
    )
    for _ in range(3):  # three jobs hit the revoked token
        async with sessions.begin() as session:
            await connections.mark_needs_reconnecting_by_id(
                session, connection_id=connection_id, reason="40105"
            )
    async with sessions.begin() as session:
        assert (
            await connections.token_for(session, settings=settings, workspace_id=workspace_id, kind=BUSINESS)
            is None
        )
        dms = (await session.execute(select(OutboxMessage))).scalars().all()
    assert len(dms) == 1 and dms[0].kind == "tiktok_reconnect" and dms[0].channel_id == USER_ID

    # connecting again, then being refused again, is news again
    await connect(sessions, settings, workspace_id=workspace_id, access_token="act.u", account_ids=[])
    async with sessions.begin() as session:
        assert await connections.mark_needs_reconnecting_by_id(
            session, connection_id=connection_id, reason="40105"
        )
    async with sessions() as session:
        assert len((await session.execute(select(OutboxMessage))).scalars().all()) == 2


async def test_the_settings_token_seeds_the_connection_and_a_new_one_replaces_it(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    settings = settings_with(database_url, tiktok_business_access_token="act.from-settings-1")
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        assert workspace.id is not None
        first = await connections.token_for(
            session, settings=settings, workspace_id=workspace.id, kind=BUSINESS
        )
    assert first is not None and first.access_token == "act.from-settings-1"
    async with sessions.begin() as session:
        await connections.mark_needs_reconnecting_by_id(
            session, connection_id=first.connection_id, reason="revoked"
        )
        assert (
            await connections.token_for(session, settings=settings, workspace_id=workspace.id, kind=BUSINESS)
            is None
        )
        # nobody to DM: the token came from the server's settings
        assert (await session.execute(select(OutboxMessage))).scalars().all() == []

    renewed = settings_with(database_url, tiktok_business_access_token="act.from-settings-2")
    async with sessions.begin() as session:
        second = await connections.token_for(
            session, settings=renewed, workspace_id=workspace.id, kind=BUSINESS
        )
    assert second is not None and second.access_token == "act.from-settings-2"
    assert second.connection_id == first.connection_id


async def test_without_a_token_there_is_no_connection(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        assert workspace.id is not None
        assert (
            await connections.token_for(
                session, settings=settings_with(database_url), workspace_id=workspace.id, kind=BUSINESS
            )
            is None
        )
