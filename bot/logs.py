"""Logging: one JSON object a line, each with the request id of the update being handled.
Nothing personal and no token is ever logged: messages name events, not what people wrote."""

import contextvars
import json
import logging
import sys
import uuid
from datetime import UTC, datetime

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

#: Libraries whose debug output would carry parameters, bodies or URLs with tokens.
QUIET_LIBRARIES = (
    "sqlalchemy",
    "aiosqlite",
    "alembic",
    "asyncio",
    "aiohttp.access",
    "aiohttp.client",
    "urllib3",
    "requests",
    "viber",
    "viberbot",
    "matplotlib",
    "PIL",
)


def new_request_id() -> str:
    value = uuid.uuid4().hex[:12]
    request_id.set(value)
    return value


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "msg": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str, *, quiet: bool = False, json_lines: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if quiet else level.upper())
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
