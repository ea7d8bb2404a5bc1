"""Logging: one JSON object a line, each with the request id of the update being handled.
Nothing personal and no token is ever logged: messages name events, not what people wrote.

Values go into fields, not into the message text: `log.info("update finished",
extra={"event": "update_handled", "channel": "telegram", "duration_ms": 12.5})`. Only the
fields in STRUCTURED_FIELDS are written (a stray `extra` cannot carry personal data out);
`channel` defaults to the one of the update being handled (`current_channel`)."""

import contextvars
import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
current_channel: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_channel", default=None
)

#: The structured fields a record may carry besides its message, in this order.
STRUCTURED_FIELDS = ("event", "channel", "duration_ms", "outcome", "component", "error")

#: Libraries whose debug output would carry parameters, bodies or URLs with tokens.
QUIET_LIBRARIES = (
    # aiogram's INFO line for every update ("Update id=… is handled"): "update finished" says it.
    "aiogram.event",
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


#: PostgreSQL names a failing row's values in its error's DETAIL line ("Key (external_id)=(…)
#: already exists"), which asyncpg and SQLAlchemy keep in the error's text.
_DETAIL = re.compile(r"^(\s*)DETAIL:.*$", re.MULTILINE)


def without_values(text: str) -> str:
    return _DETAIL.sub(r"\1DETAIL: (not logged)", text) if "DETAIL:" in text else text


def new_request_id() -> str:
    value = uuid.uuid4().hex[:12]
    request_id.set(value)
    return value


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        if getattr(record, "channel", None) is None:
            record.channel = current_channel.get()
        return True


def structured_fields(record: logging.LogRecord) -> dict[str, object]:
    fields = {name: getattr(record, name, None) for name in STRUCTURED_FIELDS}
    return {name: value for name, value in fields.items() if value is not None}


class _ValuesHidden(logging.Formatter):
    """A formatter whose exception texts hold no row's values — also the text logging keeps on
    the record for any other handler."""

    def formatException(self, ei: Any) -> str:
        return without_values(super().formatException(ei))


class TextFormatter(_ValuesHidden):
    def formatMessage(self, record: logging.LogRecord) -> str:
        return without_values(super().formatMessage(record))

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = " ".join(f"{name}={value}" for name, value in structured_fields(record).items())
        return f"{line} {fields}" if fields else line


class JsonFormatter(_ValuesHidden):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "msg": without_values(record.getMessage()),
            **structured_fields(record),
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
        else TextFormatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if quiet else level.upper())
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
