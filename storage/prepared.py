"""Statements compiled once per database and run straight on a write unit's DBAPI cursor.

In a write unit (see `storage.writer`) a Core statement run through `Connection.execute` costs
about a hundred microseconds of Python on every call besides the database's own work: its cache
key, an execution context, the parameters' and the result's processing. On SQLite that work runs
in the writer's thread, which shares the interpreter lock with the event loop, and it is what bound
a delivery. A `Prepared` statement does it once per database: the SQL string, the order of its
parameters and their conversions, and each call is then one `cursor.execute` (on PostgreSQL one
call of the asyncpg connection itself: see `_on_asyncpg`).

The conversions are the dialect's own bind and result processors, so values are stored and read
exactly as the ORM stores and reads them (enums by name, dates in SQLite's text form, JSON).
What a prepared statement cannot be: one with an expanding `IN` parameter (its SQL depends on the
values) or an INSERT whose columns have Python-side defaults (the caller passes every column).
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from asyncpg import Connection as _AsyncpgConnection
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlalchemy.util import await_

Build = Executable | Callable[[Dialect], Executable]
_REQUIRED = object()


@dataclass(frozen=True)
class _Plan:
    sql: str
    # each positional parameter: its name, its conversion, the value it has when not given (a
    # literal the statement carries, e.g. a status it filters on), and what None converts to (a
    # JSON column stores None as JSON `null`, as SQLAlchemy's own INSERT does; worked out once,
    # as most of a new row's columns are None)
    binds: tuple[tuple[str, Callable[[Any], Any] | None, Any, Any], ...]
    # each result column's conversion (None: the driver's value as it is)
    results: tuple[Callable[[Any], Any] | None, ...]
    converts: bool  # any result column to convert
    row: Any  # the named tuple the rows come back as
    asyncpg: bool  # run on the asyncpg connection itself (see `_on_asyncpg`)


def returning_id(statement: Any, column: Any, dialect: Dialect) -> Any:
    """An INSERT for `Prepared.inserted_id`: `… RETURNING column`, but on SQLite, where the driver's
    `lastrowid` is the new row's id. There RETURNING costs a second step of the statement, and
    SQLite keeps the returned rows in memory until they are read."""
    return statement if dialect.name == "sqlite" else statement.returning(column)


class Prepared:
    """One statement: `build` is a Core statement, or a function of the dialect that makes one
    (for the dialect's own INSERT … ON CONFLICT). `keys`: for an INSERT, the columns given."""

    def __init__(self, build: Build, *, keys: Sequence[str] | None = None) -> None:
        self._build = build
        self._keys = list(keys) if keys is not None else None
        self._plans: dict[tuple[str, str], _Plan] = {}
        self._lock = threading.Lock()

    def rows(
        self, connection: Connection, params: Mapping[str, Any] | None = None, *, autocommit: bool = False
    ) -> list[Any]:
        """Every row, as named tuples of the statement's columns. `autocommit`: see `_on_asyncpg`."""
        plan = self._plan(connection.dialect)
        if plan.asyncpg:
            raws = _on_asyncpg(plan, connection, params, _AsyncpgConnection.fetch, autocommit=autocommit)
        else:
            raws = _on_cursor(plan, connection, params).fetchall()
        return [self._row(plan, raw) for raw in raws]

    def first(
        self, connection: Connection, params: Mapping[str, Any] | None = None, *, autocommit: bool = False
    ) -> Any:
        """The first row (a named tuple), or None. `autocommit`: see `_on_asyncpg`."""
        plan = self._plan(connection.dialect)
        if plan.asyncpg:
            raw = _on_asyncpg(plan, connection, params, _AsyncpgConnection.fetchrow, autocommit=autocommit)
        else:
            raw = _on_cursor(plan, connection, params).fetchone()
        return None if raw is None else self._row(plan, raw)

    def scalar(self, connection: Connection, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row, or None."""
        row = self.first(connection, params)
        return None if row is None else row[0]

    def rowcount(self, connection: Connection, params: Mapping[str, Any] | None = None) -> int:
        """Run it; the rows it changed."""
        plan = self._plan(connection.dialect)
        if plan.asyncpg:
            # the command's tag: "INSERT 0 1", "UPDATE 3", "DELETE 0"
            status = _on_asyncpg(plan, connection, params, _AsyncpgConnection.execute)
            count = status.rpartition(" ")[2]
            return int(count) if count.isdigit() else -1
        return int(_on_cursor(plan, connection, params).rowcount)

    def many(self, connection: Connection, params: Sequence[Mapping[str, Any]]) -> None:
        """PostgreSQL: run it once for each of `params`, all in one round trip (asyncpg's
        `executemany`: its executions are sent at once and synced once). They are one transaction:
        the one already open, else one of their own (no BEGIN or COMMIT) in which each execution sees
        the rows of the ones before it; if one fails, none is kept."""
        plan = self._plan(connection.dialect)
        if not plan.asyncpg:
            raise NotImplementedError("many() runs on asyncpg's connection")
        values = [_values(plan, each) for each in params]
        _on_asyncpg_many(plan, connection, values)

    def inserted_id(self, connection: Connection, params: Mapping[str, Any] | None = None) -> int | None:
        """Run an INSERT of one row; the new row's id, or None when no row was inserted (ON CONFLICT
        DO NOTHING). The id is the statement's RETURNING column where it has one (see
        `returning_id`), else the driver's `lastrowid`."""
        plan = self._plan(connection.dialect)
        if plan.results:
            found = self.scalar(connection, params)
            return None if found is None else int(found)
        cursor = _on_cursor(plan, connection, params)
        # lastrowid keeps the previous insert's id when this one inserted nothing
        return int(cursor.lastrowid) if cursor.rowcount == 1 else None

    def sql(self, dialect: Dialect) -> str:
        """The SQL it runs on `dialect`'s database (for tests and query plans)."""
        return self._plan(dialect).sql

    @staticmethod
    def _row(plan: _Plan, raw: Sequence[Any]) -> Any:
        if not plan.converts:
            return plan.row._make(raw)
        return plan.row._make(
            value if convert is None else convert(value)
            for convert, value in zip(plan.results, raw, strict=True)
        )

    def _plan(self, dialect: Dialect) -> _Plan:
        key = (dialect.name, dialect.driver)
        plan = self._plans.get(key)
        if plan is None:
            with self._lock:
                plan = self._plans.get(key) or self._compile(dialect)
                self._plans[key] = plan
        return plan

    def _compile(self, dialect: Dialect) -> _Plan:
        statement = self._build if isinstance(self._build, Executable) else self._build(dialect)
        compiled = statement.compile(dialect=dialect, column_keys=self._keys)  # type: ignore[attr-defined]
        if getattr(compiled, "insert_prefetch", None):
            names = [column.key for column in compiled.insert_prefetch]
            raise ValueError(f"give every column to a prepared INSERT; missing {names}")
        binds = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            if bind.expanding:
                raise ValueError(f"{name!r} expands (IN): its SQL depends on its values")
            if bind.callable is not None:
                raise ValueError(f"{name!r} takes its value from a function at run time")
            default = _REQUIRED if bind.required else bind.value
            convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
            binds.append((name, convert, default, None if convert is None else convert(None)))
        columns = list(
            getattr(statement, "selected_columns", None) or getattr(statement, "exported_columns", None) or ()
        )
        results = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        )
        names = [column.key or f"column_{index}" for index, column in enumerate(columns)]
        return _Plan(
            sql=compiled.string,
            binds=tuple(binds),
            results=results,
            converts=any(convert is not None for convert in results),
            row=namedtuple("Row", names or ["value"], rename=True),
            asyncpg=dialect.driver == "asyncpg",
        )


def _values(plan: _Plan, params: Mapping[str, Any] | None) -> tuple[Any, ...]:
    given = params or {}
    values = []
    for name, convert, default, none in plan.binds:
        value = given.get(name, default)
        if value is None:
            values.append(none)
        elif value is _REQUIRED:
            raise KeyError(f"no value for the parameter {name!r}")
        else:
            values.append(value if convert is None else convert(value))
    return tuple(values)


def _on_cursor(plan: _Plan, connection: Connection, params: Mapping[str, Any] | None) -> Any:
    """Run it on a DBAPI cursor of the connection; the cursor, to fetch from."""
    values = _values(plan, params)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    dbapi = connection.dialect.loaded_dbapi
    try:
        cursor.execute(plan.sql, values)
    except dbapi.Error as error:
        raise _as_sqlalchemys(plan, connection, error) from error
    return cursor


def _on_asyncpg(
    plan: _Plan,
    connection: Connection,
    params: Mapping[str, Any] | None,
    call: Callable[..., Any],
    *,
    autocommit: bool = False,
) -> Any:
    """Run it with `call` (fetch, fetchrow or execute) on the asyncpg connection under the
    connection's DBAPI adapter; what `call` returns.

    `autocommit`: the caller's word that the statement stands alone (atomic by itself, and no
    transaction is wanted around it: e.g. the writer's unit of a delivery, see
    `bot.services.deliveries`): unless the adapter began one already, it runs in the database's own
    transaction of one statement, with no BEGIN and COMMIT (two round trips less). SQLAlchemy's
    transaction can't tell: a session's is begun lazily, by the first statement through a cursor.

    SQLAlchemy's adapted cursor costs each statement a lock, its own statement cache's checks and
    a description built of the result's columns; here a statement is asyncpg's call alone, its
    prepared statement kept in asyncpg's own cache (per connection, by SQL). The transaction
    stays the adapter's: begun by it (lazily, as its cursor would), committed or rolled back by
    SQLAlchemy. The unit runs in SQLAlchemy's greenlet, so awaiting here is `await_`.
    """
    values = _values(plan, params)
    with _asyncpg_errors(plan, connection) as adapted:
        if adapted._transaction is None and not autocommit:
            await_(adapted._start_transaction())
        return await_(call(adapted._connection, plan.sql, *values))


def _on_asyncpg_many(plan: _Plan, connection: Connection, values: list[tuple[Any, ...]]) -> None:
    """`Prepared.many` on the asyncpg connection under the connection's DBAPI adapter."""
    with _asyncpg_errors(plan, connection) as adapted:
        await_(adapted._connection.executemany(plan.sql, values))


@contextmanager
def _asyncpg_errors(plan: _Plan, connection: Connection) -> Iterator[Any]:
    """The connection's DBAPI adapter, for a call on its asyncpg connection: asyncpg's errors
    become the adapter's DBAPI errors, as its cursor would raise them, and those SQLAlchemy's."""
    adapted = connection.connection.dbapi_connection
    dbapi = connection.dialect.loaded_dbapi
    try:
        try:
            yield adapted
        except dbapi.Error:
            raise
        except Exception as error:
            adapted._handle_exception(error)  # type: ignore[union-attr]
            raise
    except dbapi.Error as error:
        raise _as_sqlalchemys(plan, connection, error) from error


def _as_sqlalchemys(plan: _Plan, connection: Connection, error: Exception) -> Exception:
    # the driver's error as SQLAlchemy's (IntegrityError, OperationalError…), as
    # `Connection.execute` raises it: callers catch those, whichever driver runs
    dbapi = connection.dialect.loaded_dbapi
    return DBAPIError.instance(
        plan.sql, None, error, dbapi.Error, hide_parameters=True, dialect=connection.dialect
    )
