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

PARTS = ("citizens", "echo", "deadlines", "outbox")
TIMEOUTS = {"citizens": 600, "echo": 300, "deadlines": 1800, "outbox": 600}


@dataclass
class Job:
    part: str
    database: str  # "sqlite", "postgresql" or "" for none
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
        default=",".join(PARTS),
        help=f"comma-separated subset of {','.join(PARTS)} (all)",
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
    if not args.no_postgres and set(parts) - {"echo"}:
        local_only(args.postgres)
        problem = asyncio.run(postgres_problem(args.postgres))
        if problem is None:
            postgres = args.postgres
            note = f"{args.postgres} (emptied before each part)"
        else:
            note = f"not reachable at {args.postgres}: {problem}"
            print(f"PostgreSQL is not reachable ({problem}); continuing with SQLite only.")
    jobs = plan(parts, postgres is not None)
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


def plan(parts: list[str], with_postgres: bool) -> list[Job]:
    databases = ["sqlite", "postgresql"] if with_postgres else ["sqlite"]
    jobs: list[Job] = []
    for part in PARTS:
        if part not in parts:
            continue
        if part == "echo":
            jobs.append(Job(part, ""))
        else:
            jobs += [Job(part, database) for database in databases]
    return jobs


def run_job(job: Job, args: argparse.Namespace, postgres: str | None) -> None:
    label = f"{job.part} on {job.database}" if job.database else job.part
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
        "appeals": args.appeals,
        "repeats": args.repeats,
        "messages": args.messages,
        "chats": args.chats,
        "total_s": total,
        "load": f"{loads[0]:.2f} before, {loads[1]:.2f} after",
    }
