"""PostgreSQL writes a failing row's values into its error's DETAIL line ("Key (…)=(Шевченко)
already exists"), and a logged error carries that text: the logs must not."""

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.logs import JsonFormatter, TextFormatter
from storage.uow import unit_of_work

SURNAME = "Шевченко"


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, list[io.StringIO]]]:
    logger = logging.getLogger("tests.database_values")
    streams = [io.StringIO(), io.StringIO()]
    handlers = []
    for stream, formatter in zip(
        streams, (JsonFormatter(), TextFormatter("%(levelname)s %(message)s")), strict=True
    ):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        logger.addHandler(handler)
        handlers.append(handler)
    try:
        yield logger, streams
    finally:
        for handler in handlers:
            logger.removeHandler(handler)


async def insert_twice(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with unit_of_work(sessions) as uow:
        for _ in range(2):
            await uow.tx.connection.execute(
                text("INSERT INTO names (n) VALUES (:n)"), {"n": SURNAME}
            )


async def test_a_constraint_error_is_logged_without_the_rows_values(
    sessions: async_sessionmaker[AsyncSession],
    logged: tuple[logging.Logger, list[io.StringIO]],
) -> None:
    logger, streams = logged
    async with unit_of_work(sessions) as uow:
        await uow.tx.connection.execute(text("CREATE TABLE IF NOT EXISTS names (n TEXT UNIQUE)"))
    with pytest.raises(Exception) as raised:  # noqa: PT011 - whichever the database raises
        await insert_twice(sessions)
    try:
        raise RuntimeError("the step failed") from raised.value
    except RuntimeError:
        logger.exception("update failed")
    # The same text as PostgreSQL's, whatever database the tests run on.
    detail = f"duplicate key value violates unique constraint\nDETAIL:  Key (n)=({SURNAME})."
    try:
        raise RuntimeError(detail)
    except RuntimeError:
        logger.exception("update failed")
    logger.error("a database error: %s", detail)
    for stream in streams:
        written = stream.getvalue()
        assert "update failed" in written
        assert SURNAME not in written
