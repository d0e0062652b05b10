"""What differs between SQLite and PostgreSQL, in one place: the dialect's INSERT (which knows
ON CONFLICT on both), how each reports a unique-constraint violation, and the bound parameters a
statement may carry (and rows read by id within it)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

T = TypeVar("T")
M = TypeVar("M", bound=SQLModel)

# values bound in one `IN (…)`: far under SQLite's limit on a statement's parameters (32,766) and
# asyncpg's (32,767), which a list of a busy minute's rows (a digest's) can reach
IN_LIST_SIZE = 1_000


def is_unique_violation(error: IntegrityError) -> bool:
    """True when the database refused a row because another one holds the same unique value."""
    original = error.orig
    if getattr(original, "sqlstate", None) == "23505":  # PostgreSQL's unique_violation
        return True
    return "UNIQUE constraint failed" in str(original)  # SQLite says it in words


def dialect_insert(dialect: str) -> Any:
    """The INSERT construct of the dialect named (`postgresql` or `sqlite`)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def insert_for(session: AsyncSession) -> Any:
    """The INSERT of the session's database, for ON CONFLICT DO NOTHING / DO UPDATE."""
    return dialect_insert(session.get_bind().dialect.name)


def in_chunks(values: Sequence[T], size: int = IN_LIST_SIZE) -> Iterator[list[T]]:
    """`values` in lists of at most `size`, one `IN (…)` each: a statement per chunk, not per value."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


async def rows_by_ids(session: AsyncSession, model: type[M], *, ids: Sequence[int]) -> dict[int, M]:
    """The rows of `model` with those `ids` that exist, by id: a statement per chunk of ids, not a
    lookup each."""
    found: dict[int, M] = {}
    for chunk in in_chunks(ids):
        query = select(model).where(col(model.id).in_(chunk))  # type: ignore[attr-defined]
        for row in (await session.execute(query)).scalars():
            found[row.id] = row  # type: ignore[attr-defined]
    return found
