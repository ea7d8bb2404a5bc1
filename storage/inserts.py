"""An INSERT that skips a row already there, on SQLite and PostgreSQL alike: how the storage
claims something once (an update id, a reminder, a job run, a year's counter)."""

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.prebuilt import Prebuilt


def insert_once(session: AsyncSession, model: Any, **values: Any) -> Any:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).values(**values).on_conflict_do_nothing()


def prebuilt_once(
    model: Any, returning: tuple[ColumnElement[Any], ...] = (), **values: Any
) -> dict[str, Prebuilt]:
    """`insert_once` built once for each database, for a statement every update runs; by the
    dialect's name. `returning`: what an inserted row gives back (nothing when it was there)."""
    built = {}
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql)):
        statement = dialect.insert(model).values(**values).on_conflict_do_nothing()
        built[name] = Prebuilt(statement.returning(*returning) if returning else statement)
    return built
