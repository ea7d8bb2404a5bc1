"""Logging set-up: no personal data and no tokens ever reach a log line."""

import logging
import sys


def setup_logging(level: str, *, quiet: bool = False) -> None:
    logging.basicConfig(
        level=logging.WARNING if quiet else level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    # SQLAlchemy's and aiosqlite's debug output would carry parameters, i.e. personal data.
    for name in ("sqlalchemy", "aiosqlite", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
