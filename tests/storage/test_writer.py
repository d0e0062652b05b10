"""The writer: each unit's writes committed before its caller hears back, each unit's error its own."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import SeenSlackRequest
from storage.writer import GroupCommitWriter, Writer, writer_for

TABLE = SeenSlackRequest.__table__  # type: ignore[attr-defined]


def mark(key: str, *, then_fail: bool = False) -> Callable[[Connection], str]:
    def unit(connection: Connection) -> str:
        connection.execute(insert(TABLE).values(key=key, expires_at=0.0))
        if then_fail:
            raise ValueError(f"{key} refused")
        return f"stored {key}"

    return unit


async def stored_keys(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set((await connection.execute(select(TABLE.c.key))).scalars())


async def test_a_database_file_gets_the_group_committing_writer(engine: AsyncEngine, writer: Writer) -> None:
    if engine.dialect.name == "sqlite":
        assert isinstance(writer, GroupCommitWriter)
    else:
        assert type(writer) is Writer  # PostgreSQL takes concurrent writers itself


async def test_every_caller_gets_its_own_answer_once_its_writes_are_committed(
    engine: AsyncEngine, writer: Writer
) -> None:
    answers = await asyncio.gather(*(writer.run(mark(f"k{n}")) for n in range(20)))

    assert answers == [f"stored k{n}" for n in range(20)]
    # read through the application's own connections: committed, not only seen by the writer
    assert await stored_keys(engine) == {f"k{n}" for n in range(20)}
    if isinstance(writer, GroupCommitWriter):
        assert writer.batches == 1  # handed over together, committed together


@pytest.mark.backends("sqlite")
async def test_the_writer_tells_how_many_units_each_commit_carried(engine: AsyncEngine) -> None:
    commits: list[int] = []
    writer = writer_for(engine, on_commit=commits.append)
    try:
        await asyncio.gather(*(writer.run(mark(f"k{n}")) for n in range(5)))
        await writer.run(mark("alone"))
        await asyncio.gather(
            writer.run(mark("bad", then_fail=True)), writer.run(mark("good")), return_exceptions=True
        )
    finally:
        await writer.close()

    assert commits == [5, 1, 2]  # a unit undone in its savepoint still went through a commit


async def test_a_unit_that_fails_is_undone_alone_and_its_caller_gets_its_error(
    engine: AsyncEngine, writer: Writer
) -> None:
    units = [mark("a"), mark("b", then_fail=True), mark("c"), mark("a")]  # the last repeats a key

    answers = await asyncio.gather(*(writer.run(unit) for unit in units), return_exceptions=True)

    assert answers[2] == "stored c"
    assert isinstance(answers[1], ValueError) and str(answers[1]) == "b refused"
    # one of the two "a" is stored (the first, in one writer; either, on PostgreSQL), the other refused
    stored, refused = sorted([answers[0], answers[3]], key=lambda answer: isinstance(answer, Exception))
    assert stored == "stored a" and isinstance(refused, IntegrityError)
    assert await stored_keys(engine) == {"a", "c"}


@pytest.mark.backends("sqlite")
async def test_when_the_commit_fails_every_caller_of_the_batch_gets_the_error(
    engine: AsyncEngine, writer: Writer
) -> None:
    def orphan(connection: Connection) -> str:
        # a foreign key checked only at COMMIT: the whole transaction is refused there
        connection.execute(text("PRAGMA defer_foreign_keys = ON"))
        connection.execute(
            text(
                "INSERT INTO audit_events (workspace_id, actor, action, target_type, target_id, created_at) "
                "VALUES (999, 'x', 'x', 'x', 1, '2026-01-01 00:00:00')"
            )
        )
        return "orphan"

    answers = await asyncio.gather(
        writer.run(mark("before")), writer.run(orphan), writer.run(mark("after")), return_exceptions=True
    )

    assert all(isinstance(answer, IntegrityError) for answer in answers), answers
    assert await stored_keys(engine) == set()
    assert await writer.run(mark("next")) == "stored next"  # the writer goes on
    assert await stored_keys(engine) == {"next"}


async def test_closing_commits_what_was_handed_over_and_refuses_more(engine: AsyncEngine) -> None:
    writer = writer_for(engine)
    pending = [asyncio.ensure_future(writer.run(mark(f"late{n}"))) for n in range(5)]
    await asyncio.sleep(0)

    await writer.close()

    assert [await answer for answer in pending] == [f"stored late{n}" for n in range(5)]
    assert await stored_keys(engine) == {f"late{n}" for n in range(5)}
    if isinstance(writer, GroupCommitWriter):
        with pytest.raises(RuntimeError):
            await writer.run(mark("too late"))


# --- batches (PostgreSQL's writer) ---------------------------------------------------------------


def mark_all(connection: Connection, *, items: list[str]) -> list[tuple[bool, object]]:
    """A batch unit: every key in one statement; a key ending in "!" refused alone."""
    kept = [key for key in items if not key.endswith("!")]
    connection.execute(insert(TABLE), [{"key": key, "expires_at": float(len(items))} for key in kept])
    return [
        (False, ValueError(key)) if key.endswith("!") else (True, f"{key} of {len(items)}") for key in items
    ]


@pytest.mark.backends("postgres")
async def test_items_handed_over_while_a_batch_is_written_make_the_next_batch(engine: AsyncEngine) -> None:
    writer = writer_for(engine)
    try:
        first = asyncio.ensure_future(writer.run_batched(mark_all, "first"))
        await asyncio.sleep(0)  # its batch is under way: the others wait for it, together
        rest = [asyncio.ensure_future(writer.run_batched(mark_all, f"k{n}")) for n in range(9)]
        refused = asyncio.ensure_future(writer.run_batched(mark_all, "bad!"))
        assert await first == "first of 1"
        assert [await answer for answer in rest] == [f"k{n} of 10" for n in range(9)]
        with pytest.raises(ValueError, match="bad!"):
            await refused
    finally:
        await writer.close()

    assert await stored_keys(engine) == {"first", *(f"k{n}" for n in range(9))}


@pytest.mark.backends("postgres")
async def test_closing_writes_the_batches_handed_over_and_refuses_more(engine: AsyncEngine) -> None:
    writer = writer_for(engine)
    pending = [asyncio.ensure_future(writer.run_batched(mark_all, f"late{n}")) for n in range(5)]
    await asyncio.sleep(0)

    await writer.close()

    answers = [await answer for answer in pending]
    assert [answer.split(" of ")[0] for answer in answers] == [f"late{n}" for n in range(5)]
    assert await stored_keys(engine) == {f"late{n}" for n in range(5)}
    with pytest.raises(RuntimeError):
        await writer.run_batched(mark_all, "too late")
