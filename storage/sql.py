"""What differs between SQLite and PostgreSQL, in one place: the dialect's INSERT (which knows
ON CONFLICT on both) and how each reports a unique-constraint violation."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


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
