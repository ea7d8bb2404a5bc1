"""An INSERT that skips a row already there, on SQLite and PostgreSQL alike: how the storage
claims something once (an update id, a reminder, a job run, a year's counter)."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_once(session: AsyncSession, model: Any, **values: Any) -> Any:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).values(**values).on_conflict_do_nothing()
