"""The results as Markdown."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.orchestrate import Job

NAMES = {"sqlite": "SQLite (temp file)", "postgresql": "PostgreSQL", "": "—"}
PG_NODE = re.compile(
    r"(Parallel )?(Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan|Bitmap Heap Scan)"
    r"(?: Backward)? (?:using|on) (\w+)"
)


def number(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}".replace(",", " ")
    return str(value)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def short_plan(plan: str) -> str:
    """The access paths of a plan: SQLite's lines as they are, PostgreSQL's scan nodes."""
    if not plan:
        return "—"
    nodes = [" ".join(g.strip() for g in m.groups() if g) for m in PG_NODE.finditer(plan)]
    return "; ".join(nodes) if nodes else plan.replace(" / ", "; ")


def render(jobs: list[Job], settings: dict[str, Any]) -> str:
    out = [
        "# Приймальня — benchmark",
        "",
        f"Run {settings['when']} on {settings['machine']}, Python {settings['python']} "
        f"({settings['versions']}); `{settings['command']}` took {settings['total_s']:.0f} s "
        f"(1-minute load average {settings['load']}: other work on the machine shows there).",
        f"PostgreSQL: {settings['postgres']}. Everything ran on 127.0.0.1; each part in a "
        "process of its own (peak RSS is that process's `ru_maxrss`, the fake Bot API included).",
        "",
    ]
    out += citizens_section(jobs, settings)
    out += open_loop_section(jobs, settings)
    out += deadlines_section(jobs, settings)
    out += outbox_section(jobs, settings)
    out += problems_section(jobs)
    out += plans_section(jobs)
    return "\n".join(out).rstrip() + "\n"


def by_part(jobs: list[Job], *parts: str) -> list[Job]:
    return [job for job in jobs if job.part in parts]


def citizens_section(jobs: list[Job], settings: dict[str, Any]) -> list[str]:
    chosen = by_part(jobs, "citizens", "echo")
    if not chosen:
        return []
    rows = []
    for job in chosen:
        r = job.result
        bot = "reception (TelegramChannel)" if job.part == "citizens" else "bare aiogram echo"
        if settings.get("rounds", 1) > 1:
            bot += f", round {job.round}"
        if job.error:
            rows.append([bot, NAMES[job.database], "failed", *["—"] * 10])
            continue
        filed = f"{r['appeals_in_db']}/{r['citizens']}" if job.part == "citizens" else "n/a"
        rows.append(
            [
                bot,
                NAMES[job.database],
                number(r["updates"]),
                number(r["wall_s"], 1),
                number(r["updates_per_s"], 1),
                number(r["p50_ms"], 1),
                number(r["p95_ms"], 1),
                number(r["p99_ms"], 1),
                number(r["peak_rss_mb"], 0),
                number(r.get("cpu_ms_per_update"), 2),
                number(r.get("statements_per_update"), 1) if job.part == "citizens" else "—",
                number(r.get("transactions_per_update"), 2) if job.part == "citizens" else "—",
                filed,
            ]
        )
    out = [
        f"## 1. Citizens through the aiogram dispatcher ({settings['citizens']} at once)",
        "",
        f"Each of {settings['citizens']} citizens files a complete complaint (15 updates: /start "
        "→ language → consent → … → Надіслати) with `Intake.accept` (as the webhook hands updates over); a citizen sends "
        "the next update when the bot has answered the previous one. Latency: from feeding an "
        "update to the first sendMessage/editMessageText for that chat recorded by the fake "
        "Bot API. One citizen is played first to warm up and is not counted. CPU: the "
        "process's, the fake Bot API's included (so the echo's too).",
        "",
        *table(
            [
                "bot",
                "database",
                "updates",
                "wall s",
                "updates/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "peak RSS MB",
                "CPU ms per update",
                "SQL per update",
                "transactions per update",
                "appeals filed",
            ],
            rows,
        ),
        "",
    ]
    for job in chosen:
        # Each round against the echo of the same round: the interleaved comparison.
        echo = next(
            (
                j.result
                for j in chosen
                if j.part == "echo" and not j.error and j.round == job.round
            ),
            None,
        )
        if job.part != "citizens" or job.error or echo is None:
            continue
        r = job.result
        out.append(
            f"- Round {job.round}, reception on {NAMES[job.database]} vs. the echo floor: "
            "throughput "
            f"{r['updates_per_s'] / echo['updates_per_s']:.2f}× the echo's, p50 latency "
            f"{r['p50_ms'] / echo['p50_ms']:.1f}× the echo's."
        )
    out.append("")
    return out


def open_loop_section(jobs: list[Job], settings: dict[str, Any]) -> list[str]:
    chosen = by_part(jobs, "open", "open-echo")
    if not chosen:
        return []
    rows = []
    for job in chosen:
        r = job.result
        bot = "reception" if job.part == "open" else "bare aiogram echo"
        if settings.get("rounds", 1) > 1:
            bot += f", round {job.round}"
        if job.error:
            rows.append([bot, NAMES[job.database], f"{job.interval:g}", "failed", *["—"] * 9])
            continue
        rows.append(
            [
                bot,
                NAMES[job.database],
                f"{job.interval:g}",
                number(r["offered_per_s"], 0),
                number(r["updates"]),
                number(r["updates_per_s"], 1),
                number(r["p50_ms"], 1),
                number(r["p95_ms"], 1),
                number(r["p99_ms"], 1),
                number(r["peak_rss_mb"], 0),
                number(r.get("cpu_ms_per_update"), 2),
                number(r.get("transactions_per_update"), 2) if job.part == "open" else "—",
                number(r.get("failure_count")),
            ]
        )
    citizens = settings.get("open_citizens", "—")
    return [
        f"## 1b. {citizens} citizens, open loop",
        "",
        f"Each of {citizens} citizens sends the next step of the complaint every N seconds "
        f"for {settings.get('open_seconds', '—')} s, starting at a random moment of the "
        "first N seconds, whether or not the bot keeps up: the load a city offers. A step the "
        "bot has not answered yet holds the citizen's next one back, and that wait counts in "
        "the next step's latency (measured from when it was meant to be sent, so a slow bot "
        "cannot hide its queue).",
        "",
        *table(
            [
                "bot",
                "database",
                "every s",
                "offered/s",
                "updates",
                "served/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "peak RSS MB",
                "CPU ms per update",
                "transactions per update",
                "failed",
            ],
            rows,
        ),
        "",
    ]


def deadlines_section(jobs: list[Job], settings: dict[str, Any]) -> list[str]:
    chosen = by_part(jobs, "deadlines")
    if not chosen:
        return []
    out = [
        f"## 2. Due-deadline scans at {number(settings['appeals'])} appeals",
        "",
        "Appeals received over the past year (term 15 or 30 days, 5 % extended to 45), with "
        "statuses plausible for their age (0.5 % of those past their due date still in work), "
        "20 departments; bulk-inserted into the migrated schema (SQLite: SQLAlchemy Core "
        "executemany in chunks of 10 000; PostgreSQL: COPY through asyncpg, then VACUUM "
        "ANALYZE, as autovacuum would). "
        f"Each query runs {settings['repeats']} times in its own unit of work at one `now`; "
        "the median. The reminder and escalation scans are timed twice: first with nothing "
        "sent yet (one scan: the first batch of at most 200 of the appeals due, as at the "
        "first pass after midnight; the job reads them batch by batch), then in the "
        'steady state ("— steady state, all sent": every reminder due so far went out, '
        "as on each later minute, and so did a year of earlier reminders, ≈ 2 per appeal, "
        "then VACUUM ANALYZE on PostgreSQL). The run_control rows are single passes of the scheduler's "
        "minute in that steady state, each job timed; the first at the digest time, so that "
        "the operators' daily digest is built in it.",
        "",
    ]
    rows = []
    for job in chosen:
        r = job.result
        if job.error:
            rows.append([NAMES[job.database], "failed", "—", "—", "—", "—"])
            continue
        out.append(
            f"- {NAMES[job.database]}: {number(r['appeals'])} appeals "
            f"({number(r['open_appeals'])} open) inserted in {r['insert_s']:.1f} s "
            f"({number(r['insert_rows_per_s'])} rows/s); today = {r['today']}."
        )
        for scan in r["scans"]:
            used = scan["uses_index"]
            rows.append(
                [
                    NAMES[job.database],
                    f"`{scan['query']}`",
                    number(scan["rows"]),
                    number(scan["median_s"], 4),
                    "—" if used is None else ("yes" if used else "**no**"),
                    short_plan(scan["plan"]) if used is not None else scan["plan"],
                ]
            )
    out += [
        "",
        *table(
            [
                "database",
                "query",
                "rows",
                "median s",
                "status/due index used",
                "plan (access paths)",
            ],
            rows,
        ),
        "",
    ]
    return out


def outbox_section(jobs: list[Job], settings: dict[str, Any]) -> list[str]:
    chosen = by_part(jobs, "outbox")
    if not chosen:
        return []
    rows = []
    for job in chosen:
        r = job.result
        if job.error:
            rows.append([NAMES[job.database], "failed", *["—"] * 10])
            continue
        window_ok = r["max_in_1s"] <= r["limit_per_second"]
        rows.append(
            [
                NAMES[job.database],
                number(r.get("instances", 1)),
                f"{r['delivered']}/{r['messages']}",
                number(r["chats"]),
                number(r["drain_s"], 1),
                number(r["per_second"], 1),
                number(r["limit_per_second"], 0),
                f"{r['max_in_1s']} {'✓' if window_ok else '✗ over the limit'}",
                f"{number(r.get('median_gap_ms'), 1)} / {number(r.get('min_gap_ms'), 1)}",
                number(r["min_gap_per_chat_s"], 3),
                "yes" if r["in_order"] else "**no**",
                number(r.get("refused_429")),
            ]
        )
    return [
        "## 3. Outbox at Telegram's limits",
        "",
        f"{settings['messages']} messages to {settings['chats']} chats queued with "
        "`uow.outbox.enqueue`, drained by two instances' `bot.outbox.OutboxWorker` and "
        "`TelegramSender` (each its own engine and Bot session, one database) against the fake, "
        "which refuses a 31st message within any second with 429 as Telegram does. Delivered/s: messages over the time from starting the worker to the "
        "last sendMessage the fake recorded; the window is a sliding half-open second over "
        "the fake's timestamps.",
        "",
        *table(
            [
                "database",
                "instances",
                "delivered",
                "chats",
                "drain s",
                "delivered/s",
                "limit /s",
                "max in any 1 s",
                "gap between sends ms (median / min)",
                "min gap in a chat s",
                "each chat in order",
                "429s",
            ],
            rows,
        ),
        "",
    ]


def problems_section(jobs: list[Job]) -> list[str]:
    lines = []
    for job in jobs:
        label = f"{job.part} on {NAMES[job.database]}" if job.database else job.part
        if job.error:
            lines.append(f"- {label}: **failed** — {job.error}")
            continue
        r = job.result
        if r.get("failure_count"):
            lines.append(
                f"- {label}: {r['failure_count']} failed updates, e.g. {r['failures'][:2]}"
            )
        if r.get("warnings"):
            lines.append(
                f"- {label}: {r['warnings']} warnings logged, e.g. {r['first_warnings'][:2]}"
            )
        if job.part == "outbox" and r.get("not_sent_in_db"):
            lines.append(f"- {label}: {r['not_sent_in_db']} outbox rows not marked sent")
    if not lines:
        return ["No failed updates, errors or logged warnings.", ""]
    return ["## Problems seen", "", *lines, ""]


def plans_section(jobs: list[Job]) -> list[str]:
    lines = []
    for job in by_part(jobs, "deadlines"):
        for scan in job.result.get("scans", []):
            if scan.get("uses_index") is None:
                continue
            lines.append(f"- {NAMES[job.database]}, `{scan['query']}`: {scan['plan']}")
    if not lines:
        return []
    return ["<details><summary>Full query plans</summary>", "", *lines, "", "</details>", ""]
