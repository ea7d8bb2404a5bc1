"""The reception's benchmark, run from the repository root:

    .venv/bin/python -m bench.run                      # the defaults, about 4-5 minutes
    .venv/bin/python -m bench.run --citizens 20 --appeals 100000 --messages 120   # quick
    .venv/bin/python -m bench.run --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/x
    .venv/bin/python -m bench.run --no-postgres --parts citizens,echo

It measures, everything on 127.0.0.1: citizens filing appeals through the real aiogram
dispatcher against the fake Bot API (and a bare aiogram echo bot as the framework's floor), the
due-deadline scans over a million appeals, and the outbox draining at Telegram's limits; each
part runs in a process of its own, so that its peak memory is its own. The Markdown table is
printed and written to bench/results.md."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    if str(ROOT) not in sys.path:  # `python bench/run.py` as well as `python -m bench.run`
        sys.path.insert(0, str(ROOT))
    from bench.orchestrate import cli

    cli(sys.argv[1:])


if __name__ == "__main__":
    main()
