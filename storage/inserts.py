"""An INSERT that skips a row already there, on SQLite and PostgreSQL alike: how the storage
claims something once (an update id, a reminder, a job run, a year's counter)."""

from typing import Any

from sqlalchemy import ColumnElement, Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.prebuilt import Prebuilt


def insert_once(session: AsyncSession, model: Any, **values: Any) -> Any:
    return _insert_once(session.bind.dialect.name if session.bind else "sqlite", model, values)


def _insert_once(dialect: str, model: Any, values: dict[str, Any]) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).values(**values).on_conflict_do_nothing()


def prebuilt_once(
    model: Any, returning: tuple[ColumnElement[Any], ...] = (), **values: Any
) -> dict[str, Prebuilt]:
    """`insert_once` built once for each database, for a statement every update runs; by the
    dialect's name. `returning`: what an inserted row gives back (nothing when it was there)."""
    built = {}
    for dialect in ("sqlite", "postgresql"):
        statement = _insert_once(dialect, model, values)
        built[dialect] = Prebuilt(statement.returning(*returning) if returning else statement)
    return built
