"""One record of whether the database answers, so an outage is logged once when it begins and
once when it ends, not as a traceback a second from every worker."""

import logging
import time
from collections.abc import Callable

from storage.outages import is_outage

log = logging.getLogger(__name__)

#: Waits between attempts while the database is away: short at first, then a steady pace.
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)


class DatabaseWatch:
    def __init__(self) -> None:
        self._down_since: float | None = None
        self._on_back: list[Callable[[], None]] = []

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def on_back(self, callback: Callable[[], None]) -> None:
        self._on_back.append(callback)

    def failed(self, error: BaseException) -> bool:
        """Note a failure; True when it is an outage (to wait for), False for a real bug."""
        if not is_outage(error):
            return False
        if self._down_since is None:
            self._down_since = time.monotonic()
            log.warning("database unavailable (%s): waiting for it", type(error).__name__)
        return True

    def ok(self) -> None:
        if self._down_since is None:
            return
        log.warning("database available again after %.0f s", time.monotonic() - self._down_since)
        self._down_since = None
        for callback in self._on_back:
            callback()


def retry_delay(attempt: int) -> float:
    return RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
