"""Every wait in the suite comes from one setting, so a slow or busy machine needs one change:
TEST_WAIT_SCALE (default 1) multiplies each time limit and each settling pause. Polling
intervals are not limits and stay short."""

import asyncio
import os
import time
from collections.abc import Callable

SCALE = max(float(os.environ.get("TEST_WAIT_SCALE", "1")), 0.1)
#: How often a test looks again at a fake or the database.
POLL_SECONDS = 0.05


def patience(seconds: float) -> float:
    """A time limit or settling pause of `seconds` on an idle machine, scaled."""
    return seconds * SCALE


async def eventually(check: Callable[[], object], timeout: float = 15.0) -> None:
    """Until `check()` is true, within `timeout` seconds (scaled)."""
    deadline = time.monotonic() + patience(timeout)
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("did not happen in time")
        await asyncio.sleep(POLL_SECONDS)
