"""Runs each part of the benchmark in a process of its own and gathers the results."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from bench.common import DEFAULT_POSTGRES, ROOT, local_only, postgres_problem
from bench.report import render

PARTS = ("citizens", "echo", "open", "open-echo", "deadlines", "outbox")
#: Run by default; the open-loop case takes a few minutes more and is asked for by name.
DEFAULT_PARTS = ("citizens", "echo", "deadlines", "outbox")
#: Compared side by side: with --rounds they alternate (A/B/A/B), so that a change in the
#: machine's load falls on both alike.
INTERLEAVED = ("citizens", "echo", "open", "open-echo")
TIMEOUTS = {
    "citizens": 600,
    "echo": 300,
    "open": 900,
    "open-echo": 600,
    "deadlines": 1800,
    "outbox": 600,
}


@dataclass
class Job:
    part: str
    database: str  # "sqlite", "postgresql" or "" for none
    #: The open-loop case: seconds between one citizen's messages.
    interval: float = 0.0
    round: int = 1
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0


def positive(value: str) -> int:
    number = int(value.replace("_", ""))
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.run", description="The reception's benchmark (all on 127.0.0.1)."
    )
    p.add_argument("--citizens", type=positive, default=50, help="simulated citizens (50)")
    p.add_argument(
        "--appeals", type=positive, default=1_000_000, help="appeals for the scans (1000000)"
    )
    p.add_argument("--repeats", type=positive, default=5, help="runs of each scan (5)")
    p.add_argument(
        "--rounds",
        type=positive,
        default=1,
        help="rounds of the side-by-side parts, interleaved A/B/A/B (1)",
    )
    p.add_argument(
        "--open-citizens",
        type=positive,
        default=1000,
        help="citizens of the open-loop case (1000)",
    )
    p.add_argument(
        "--intervals",
        default="10,5",
        help="seconds between one citizen's messages in the open-loop case (10,5)",
    )
    p.add_argument(
        "--open-seconds", type=positive, default=30, help="length of each open-loop run (30)"
    )
    p.add_argument("--messages", type=positive, default=300, help="outbox messages (300)")
    p.add_argument("--chats", type=positive, default=100, help="outbox chats (100)")
    p.add_argument(
        "--postgres",
        default=DEFAULT_POSTGRES,
        metavar="URL",
        help="PostgreSQL on 127.0.0.1, emptied first; the database is created when missing "
        f"(default {DEFAULT_POSTGRES})",
    )
    p.add_argument("--no-postgres", action="store_true", help="SQLite only")
    p.add_argument(
        "--parts",
        default=",".join(DEFAULT_PARTS),
        help=f"comma-separated subset of {','.join(PARTS)} ({','.join(DEFAULT_PARTS)})",
    )
    p.add_argument(
        "--no-control",
        action="store_true",
        help="skip timing the scheduler's whole run_control pass",
    )
    p.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "results.md", help="the Markdown file"
    )
    # Internal: one part in this process.
    p.add_argument("--worker", choices=PARTS, help=argparse.SUPPRESS)
    p.add_argument("--database-url", help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--interval", type=float, default=10.0, help=argparse.SUPPRESS)
    return p


def cli(argv: list[str]) -> None:
    args = parser().parse_args(argv)
    if args.worker:
        worker(args)
        return
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown parts: {', '.join(sorted(unknown))}")
    postgres: str | None = None
    note = "not asked for (--no-postgres)"
    if not args.no_postgres and set(parts) - {"echo", "open-echo"}:
        local_only(args.postgres)
        problem = asyncio.run(postgres_problem(args.postgres))
        if problem is None:
            postgres = args.postgres
            note = f"{args.postgres} (emptied before each part)"
        else:
            note = f"not reachable at {args.postgres}: {problem}"
            print(f"PostgreSQL is not reachable ({problem}); continuing with SQLite only.")
    intervals = [float(v) for v in args.intervals.split(",") if v.strip()]
    jobs = plan(parts, postgres is not None, args.rounds, intervals)
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    for job in jobs:
        run_job(job, args, postgres)
    total = time.monotonic() - started
    loads = (load_before, os.getloadavg()[0])
    markdown = render(jobs, settings(args, note, total, loads))
    print(markdown)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(markdown, encoding="utf-8")
    print(f"written to {args.output}")
    if any(job.error for job in jobs):
        sys.exit(1)


def plan(
    parts: list[str], with_postgres: bool, rounds: int = 1, intervals: list[float] | None = None
) -> list[Job]:
    """Each round runs every side-by-side part once (reception on SQLite, on PostgreSQL, the
    echo; then the open-loop case at each interval), so rounds interleave A/B/A/B; the scans
    and the outbox run once, after."""
    databases = ["sqlite", "postgresql"] if with_postgres else ["sqlite"]

    def jobs_of(part: str, round_: int) -> list[Job]:
        if part == "echo":
            return [Job(part, "", round=round_)]
        if part == "open-echo":
            return [Job(part, "", interval=i, round=round_) for i in intervals or [10.0]]
        if part == "open":
            return [
                Job(part, database, interval=i, round=round_)
                for i in intervals or [10.0]
                for database in databases
            ]
        return [Job(part, database, round=round_) for database in databases]

    chosen = [part for part in PARTS if part in parts]
    jobs: list[Job] = []
    for round_ in range(1, rounds + 1):
        for part in (p for p in chosen if p in INTERLEAVED):
            jobs += jobs_of(part, round_)
    for part in (p for p in chosen if p not in INTERLEAVED):
        jobs += jobs_of(part, 1)
    if any(p in ("open", "open-echo") for p in chosen):
        # The open-loop runs of one interval side by side: reception, then echo, per interval.
        order = {interval: n for n, interval in enumerate(intervals or [10.0])}
        jobs.sort(
            key=lambda j: (
                j.part not in INTERLEAVED,
                j.round,
                j.part in ("open", "open-echo"),
                order.get(j.interval, 0),
            )
        )
    return jobs


def run_job(job: Job, args: argparse.Namespace, postgres: str | None) -> None:
    label = f"{job.part} on {job.database}" if job.database else job.part
    if job.interval:
        label += f", a message every {job.interval:g} s"
    if job.round > 1:
        label += f" (round {job.round})"
    print(f"… {label}", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable,
            "-m",
            "bench.run",
            "--worker",
            job.part,
            "--out",
            str(out),
            "--citizens",
            str(args.citizens),
            "--appeals",
            str(args.appeals),
            "--repeats",
            str(args.repeats),
            "--messages",
            str(args.messages),
            "--chats",
            str(args.chats),
            "--open-citizens",
            str(args.open_citizens),
            "--open-seconds",
            str(args.open_seconds),
            "--interval",
            str(job.interval or 10.0),
        ]
        if args.no_control:
            command.append("--no-control")
        if job.database == "postgresql" and postgres:
            command += ["--database-url", postgres]
        started = time.monotonic()
        try:
            finished = subprocess.run(  # noqa: S603 - our own interpreter and module
                command,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                capture_output=True,
                text=True,
                timeout=TIMEOUTS[job.part],
                check=False,
            )
        except subprocess.TimeoutExpired:
            job.error = f"timed out after {TIMEOUTS[job.part]} s"
        else:
            if finished.returncode == 0 and out.exists():
                job.result = json.loads(out.read_text(encoding="utf-8"))
            else:
                tail = (finished.stderr or finished.stdout).strip().splitlines()[-3:]
                job.error = f"exit {finished.returncode}: " + " | ".join(tail)
        job.seconds = time.monotonic() - started
    status = "failed: " + job.error if job.error else "done"
    print(f"  {status} in {job.seconds:.1f} s", file=sys.stderr, flush=True)


def worker(args: argparse.Namespace) -> None:
    url: str | None = args.database_url
    if url:
        local_only(url)
    result: dict[str, Any]
    if args.worker in ("citizens", "echo"):
        from bench.citizens import run_citizens

        scenario: Literal["reception", "echo"] = (
            "reception" if args.worker == "citizens" else "echo"
        )
        result = asyncio.run(run_citizens(scenario, url, args.citizens))
    elif args.worker in ("open", "open-echo"):
        from bench.citizens import run_open_loop

        open_scenario: Literal["reception", "echo"] = (
            "reception" if args.worker == "open" else "echo"
        )
        result = asyncio.run(
            run_open_loop(
                open_scenario, url, args.open_citizens, args.interval, float(args.open_seconds)
            )
        )
    elif args.worker == "deadlines":
        from bench.deadlines import run_deadlines

        result = asyncio.run(run_deadlines(url, args.appeals, args.repeats, not args.no_control))
    else:
        from bench.outbox import run_outbox

        result = asyncio.run(run_outbox(url, args.messages, args.chats))
    args.out.write_text(json.dumps(result, default=str), encoding="utf-8")


def settings(
    args: argparse.Namespace, postgres: str, total: float, loads: tuple[float, float]
) -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Linux {platform.release()}",
        "python": platform.python_version(),
        "versions": ", ".join(
            f"{name} {version(name)}"
            for name in ("aiogram", "SQLAlchemy", "aiosqlite", "asyncpg", "aiohttp")
        ),
        "postgres": postgres,
        "command": "python -m bench.run " + " ".join(sys.argv[1:]),
        "citizens": args.citizens,
        "rounds": args.rounds,
        "open_citizens": args.open_citizens,
        "open_seconds": args.open_seconds,
        "appeals": args.appeals,
        "repeats": args.repeats,
        "messages": args.messages,
        "chats": args.chats,
        "total_s": total,
        "load": f"{loads[0]:.2f} before, {loads[1]:.2f} after",
    }
