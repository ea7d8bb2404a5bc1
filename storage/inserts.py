"""An INSERT that skips a row already there, on SQLite and PostgreSQL alike: how the storage
claims something once (an update id, a reminder, a job run, a year's counter)."""

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Insert, Select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.prebuilt import Prebuilt


def insert_once(session: AsyncSession, model: Any, **values: Any) -> Any:
    return _insert_once(session.bind.dialect.name if session.bind else "sqlite", model, values)


def _insert(dialect: str) -> Callable[[Any], postgresql.Insert | sqlite.Insert]:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _insert_once(dialect: str, model: Any, values: dict[str, Any]) -> Insert:
    return _insert(dialect)(model).values(**values).on_conflict_do_nothing()


def prebuilt_once(
    model: Any, returning: tuple[ColumnElement[Any], ...] = (), **values: Any
) -> dict[str, Prebuilt]:
    """`insert_once` built once for each database, for a statement every update runs; by the
    dialect's name. `returning`: what an inserted row gives back (nothing when it was there)."""
    return _each_database(lambda dialect: _insert_once(dialect, model, values), returning)


def prebuilt_once_from(
    model: Any,
    columns: Sequence[ColumnElement[Any]],
    rows: Select[Any],
    returning: tuple[ColumnElement[Any], ...] = (),
) -> dict[str, Prebuilt]:
    """`prebuilt_once` for an INSERT … SELECT: the rows `rows` selects into `columns`, each
    skipped when it is there already."""
    return _each_database(
        lambda dialect: (
            _insert(dialect)(model).from_select(columns, rows).on_conflict_do_nothing()
        ),
        returning,
    )


def _each_database(
    build: Callable[[str], Insert], returning: tuple[ColumnElement[Any], ...]
) -> dict[str, Prebuilt]:
    built = {}
    for dialect in ("sqlite", "postgresql"):
        statement = build(dialect)
        built[dialect] = Prebuilt(statement.returning(*returning) if returning else statement)
    return built
