"""The SQLite writer's process: units run there and their answers, errors and rows come back; a
unit that can't cross runs in the writer's thread; a lost process is replaced."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator
from functools import partial

import pytest
from sqlalchemy import insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services.errors import InvalidInput
from storage import projects as project_queries
from storage.db import create_sessionmaker
from storage.models import LiteProject, SeenSlackRequest
from storage.process_writer import ProcessWriter, WriterProcessLost
from storage.writer import writer_for
from tests.factories import make_project

pytestmark = pytest.mark.backends("sqlite")

TABLE = SeenSlackRequest.__table__  # type: ignore[attr-defined]


# units are module-level functions with their arguments, as the app's are: they can cross
def mark(connection: Connection, *, key: str) -> int:
    connection.execute(insert(TABLE).values(key=key, expires_at=0.0))
    return os.getpid()


def mark_then_refuse(connection: Connection, *, key: str) -> None:
    connection.execute(insert(TABLE).values(key=key, expires_at=0.0))
    raise InvalidInput({"url": f"{key} is not a TikTok video link."})


def project_of(connection: Connection, *, token: str) -> LiteProject | None:
    found = project_queries.project_and_recipients_by_token(connection, invite_token=token)
    return None if found is None else found[0]


def frozen_objects(connection: Connection) -> int:
    return gc.get_freeze_count()


def end_the_process(connection: Connection) -> None:
    os._exit(3)


@pytest.fixture
async def writer(engine: AsyncEngine) -> AsyncIterator[ProcessWriter]:
    writer = writer_for(engine)
    assert isinstance(writer, ProcessWriter)  # a database file, on a platform with a fork server
    yield writer
    await writer.close()


async def stored_keys(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set((await connection.execute(select(TABLE.c.key))).scalars())


async def test_units_run_in_the_writers_process_and_their_writes_are_committed(
    engine: AsyncEngine, writer: ProcessWriter
) -> None:
    pids = await asyncio.gather(*(writer.run(partial(mark, key=f"k{n}")) for n in range(10)))

    assert len(set(pids)) == 1 and pids[0] != os.getpid()
    assert await stored_keys(engine) == {f"k{n}" for n in range(10)}
    assert writer.child_starts == 1


async def test_a_units_error_comes_back_to_its_caller_alone(
    engine: AsyncEngine, writer: ProcessWriter
) -> None:
    outcomes = await asyncio.gather(
        writer.run(partial(mark, key="kept")),
        writer.run(partial(mark_then_refuse, key="refused")),
        return_exceptions=True,
    )

    refused = outcomes[1]
    assert isinstance(refused, InvalidInput)
    assert refused.errors == {"url": "refused is not a TikTok video link."}
    assert refused.message == "refused is not a TikTok video link."
    assert await stored_keys(engine) == {"kept"}  # the refused unit's write was undone, alone


async def test_a_row_comes_back_with_its_columns_and_no_session(
    engine: AsyncEngine, writer: ProcessWriter
) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        made = await make_project(session, link_name="Summer glow")
        expected = {name: getattr(made, name) for name in LiteProject.model_fields}

    found = await writer.run(partial(project_of, token=made.invite_token))

    assert isinstance(found, LiteProject)
    assert {name: getattr(found, name) for name in LiteProject.model_fields} == expected
    assert inspect(found).transient  # as a unit builds it: no session tracks it


async def test_the_writers_process_keeps_its_long_lived_heap_out_of_the_collectors_way(
    writer: ProcessWriter,
) -> None:
    await writer.run(partial(mark, key="first"))  # its first batch, after which it freezes again

    # what it inherited and made at start-up is never rescanned by a full collection mid-batch
    assert await writer.run(frozen_objects) > 10_000


async def test_a_unit_that_cant_cross_runs_in_the_writers_thread(
    engine: AsyncEngine, writer: ProcessWriter
) -> None:
    def closure(connection: Connection) -> int:
        return mark(connection, key="local")

    assert await writer.run(closure) == os.getpid()
    assert await stored_keys(engine) == {"local"}


async def test_a_lost_process_fails_its_batch_and_the_next_batch_gets_a_new_one(
    engine: AsyncEngine, writer: ProcessWriter
) -> None:
    await writer.run(partial(mark, key="before"))

    with pytest.raises(WriterProcessLost):
        await writer.run(end_the_process)
    after = await writer.run(partial(mark, key="after"))

    assert after != os.getpid() and writer.child_starts == 2
    assert await stored_keys(engine) == {"before", "after"}


async def test_closing_the_writer_ends_its_process(engine: AsyncEngine) -> None:
    writer = writer_for(engine)
    assert isinstance(writer, ProcessWriter)
    pid = await writer.run(partial(mark, key="k"))

    await writer.close()

    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # reaped by now; a zombie would still answer
            os.kill(pid, 0)
            await asyncio.sleep(0.1)
