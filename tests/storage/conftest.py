"""Fixtures of the storage tests: an engine on the test's database, and its writer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine
from storage.writer import Writer, writer_for


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def writer(engine: AsyncEngine) -> AsyncIterator[Writer]:
    """The writer the app would have on this database (group-committing on an SQLite file)."""
    writer = writer_for(engine)
    yield writer
    await writer.close()
