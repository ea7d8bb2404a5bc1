"""The due-deadline scans at city scale: many appeals bulk-inserted into a migrated database,
then the queries the control jobs and the /due and /overdue commands run, timed at one `now`."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench.common import (
    bench_settings,
    capture_warnings,
    is_postgres,
    peak_rss_mb,
    reset_database,
    sqlite_url,
)
from bot.app import migrate
from handlers.config import ConversationConfig
from handlers.i18n import Catalogs
from handlers.jobs import JOBS, run_job
from handlers.staff_lists import DUE_SOON_DAYS
from reception.statuses import IN_WORK_STATUSES, OPEN_STATUSES
from storage.convert import values_of
from storage.db import create_engine, create_sessionmaker
from storage.models import Appeal, Department, Person, SentReminder
from storage.types import UTCDateTime
from storage.uow import UnitOfWork, unit_of_work

KYIV = ZoneInfo("Europe/Kyiv")
#: The indexes that serve the scans: by status and due date, and per department (issue 14).
INDEXES = ("ix_appeals_status_due_on_id", "ix_appeals_department_status_due_on")
CHUNK = 10_000
#: Of the appeals past their due date, this share is still in work: the overdue ones.
STILL_OPEN_AFTER_DUE = 0.005
APPEALS_PER_AUTHOR = 10
MAX_AUTHORS = 100_000

IN_TERM = (
    ("registered", 10),
    ("assigned", 35),
    ("in_progress", 30),
    ("answered", 18),
    ("forwarded", 3),
    ("returned", 2),
    ("withdrawn", 2),
)
PAST_TERM = (
    ("closed", 85),
    ("not_considered", 3),
    ("forwarded", 5),
    ("returned", 4),
    ("withdrawn", 3),
)
OVERDUE_STATUSES = (("assigned", 45), ("in_progress", 45), ("registered", 7), ("on_review", 3))
KINDS = (("3.1", "П"), ("3.2", "З"), ("3.3", "Ш"))
TEXTS = (
    "Другий тиждень не світять ліхтарі біля будинку {n} на вулиці Лесі Українки.",
    "Прошу відремонтувати вибоїни на проїжджій частині вулиці Винниченка біля будинку {n}.",
    "Пропоную встановити лавки та урни у сквері біля школи № {n}.",
    "Не вивозять сміття з контейнерного майданчика у дворі будинку {n} на проспекті Волі.",
    "Прошу перевірити законність будівництва на ділянці за адресою вул. Кравчука, {n}.",
)
SURNAMES = ("Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Лисенко")
GIVEN = ("Тарас", "Олена", "Андрій", "Марія", "Іван", "Наталія", "Петро", "Оксана")
PATRONYMICS = ("Григорович", "Іванівна", "Петрович", "Миколаївна", "Васильович", "Андріївна")
STAFF_OPERATORS = 2


def pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


@dataclass
class Population:
    today: date
    now: datetime
    authors: list[int]
    departments: list[int]


def appeal_rows(population: Population, count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """`count` appeals received over the past year, their statuses plausible for their age."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    today, now = population.today, population.now
    for n in range(1, count + 1):
        received = today - timedelta(days=rng.randrange(365))
        term = "15" if rng.random() < 0.3 else "30"
        due = received + timedelta(days=int(term))
        if rng.random() < 0.05:
            due = received + timedelta(days=45)  # extended to the law's limit
        if due >= today:
            status = pick(rng, IN_TERM)
        elif rng.random() < STILL_OPEN_AFTER_DUE:
            status = pick(rng, OVERDUE_STATUSES)
        else:
            status = pick(rng, PAST_TERM)
        submitted = datetime.combine(received, datetime.min.time(), KYIV).replace(
            hour=rng.randrange(9, 18), minute=rng.randrange(60)
        )
        submitted = submitted.astimezone(UTC)
        answered_at = closed_at = None
        result = answer = None
        if status in ("answered", "closed"):
            latest = now - timedelta(minutes=1)
            if status == "answered":  # unrated answers are closed after 14 days
                earliest = max(submitted, now - timedelta(days=13))
            else:
                earliest = submitted
            span = max(0.0, min((latest - earliest).total_seconds(), 40 * 86400.0))
            answered_at = min(latest, earliest + timedelta(seconds=rng.uniform(0, span)))
            result, answer = "9.1", "Питання вирішено."
            if status == "closed":
                closed_at = min(latest, answered_at + timedelta(days=14))
        kind, letter = KINDS[rng.randrange(3)]
        surname, given = SURNAMES[n % len(SURNAMES)], GIVEN[n % len(GIVEN)]
        patronymic = PATRONYMICS[n % len(PATRONYMICS)]
        phone = f"+38050{n % 10_000_000:07d}"
        body = TEXTS[n % len(TEXTS)].format(n=n % 200 + 1)
        department = (
            None
            if status == "registered"
            else population.departments[n % len(population.departments)]
        )
        yield {
            "reg_index": f"{letter}-{n}",
            "year": received.year,
            "number": n,
            "draft_key": f"bench-{n}",
            "author_id": population.authors[n % len(population.authors)],
            "parent_id": None,
            "kind": kind,
            "subject": "5.1",
            "coauthors": 1,
            "receipt_form": "1.6",
            "receipt_sign": "2.1",
            "topic": f"{rng.randint(1, 25):03d}",
            "text": body,
            "location_text": None,
            "latitude": None,
            "longitude": None,
            "surname": surname,
            "given_name": given,
            "patronymic": patronymic,
            "residence": "м. Луцьк",
            "phone": phone,
            "email": None,
            "confidential": rng.random() < 0.05,
            "privileged": rng.random() < 0.03,
            "author_category": None,
            "channel": "telegram" if n % 3 else "viber",
            "locale": "uk",
            "status": status,
            "term": term,
            "department_id": department,
            "executor_id": None,
            "submitted_at": submitted,
            "received_on": received,
            "due_on": due,
            "result": result,
            "answer_text": answer,
            "answered_at": answered_at,
            "closed_at": closed_at,
            "rating": None,
            "search_text": "\n".join((surname, given, patronymic, phone, "", body)).casefold(),
            "search_public": body.casefold(),  # COPY fills no defaults
            "publish_text": False,  # nor these two, NOT NULL since 0011
            "text_hidden": False,
            "updated_at": submitted,
        }


def chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def add_staff(sessions: async_sessionmaker[AsyncSession], now: datetime) -> None:
    """Operators and one executor per department, each with a Telegram account."""
    async with unit_of_work(sessions) as uow:
        departments = list(await uow.session.scalars(select(Department.id)))
        staff = [("operator", None)] * STAFF_OPERATORS + [("executor", d) for d in departments]
        for number, (role, department) in enumerate(staff):
            account, _ = await uow.people.account("telegram", str(900_000_000 + number), now)
            await uow.staff.set_role(account.person_id, role, department)
            await uow.people.set_locale(account.person_id, "uk", now)


async def add_authors(engine: AsyncEngine, count: int, now: datetime) -> list[int]:
    rows = [
        {
            "role": "citizen",
            "locale": "uk",
            "surname": SURNAMES[n % len(SURNAMES)],
            "given_name": GIVEN[n % len(GIVEN)],
            "patronymic": PATRONYMICS[n % len(PATRONYMICS)],
            "residence": "м. Луцьк",
            "phone": f"+38050{n:07d}",
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    for chunk in chunks(iter(rows), CHUNK):
        async with engine.begin() as connection:
            await connection.execute(insert(Person), chunk)
    async with engine.connect() as connection:
        ids = await connection.scalars(select(Person.id).where(Person.role == "citizen"))
        return list(ids)


async def insert_appeals(engine: AsyncEngine, population: Population, count: int) -> None:
    rows = appeal_rows(population, count)
    if is_postgres(str(engine.url)):
        await copy_appeals(engine, rows)
        return
    for chunk in chunks(rows, CHUNK):
        async with engine.begin() as connection:
            await connection.execute(insert(Appeal), chunk)


async def copy_appeals(engine: AsyncEngine, rows: Iterator[dict[str, Any]]) -> None:
    """PostgreSQL: COPY through asyncpg, a chunk at a time."""
    columns: list[str] | None = None
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        for chunk in chunks(rows, 5 * CHUNK):
            columns = columns or list(chunk[0])
            records = [tuple(row[c] for c in columns) for row in chunk]
            await driver.copy_records_to_table("appeals", records=records, columns=columns)
        await connection.commit()


Scan = Callable[[UnitOfWork], Awaitable[Sequence[Any]]]


def scans(today: date, department: int, config: ConversationConfig) -> list[tuple[str, Scan]]:
    async def reminders(u: UnitOfWork) -> Sequence[Any]:
        """One scan of each reminder day: a batch of at most ControlRepository.batch."""
        return [a for n in config.reminder_days for a in await u.control.due_in(today, n)]

    soon = today + timedelta(days=DUE_SOON_DAYS)
    days = ", ".join(f"today+{n}" for n in config.reminder_days)
    return [
        (
            f"ControlRepository.due_in(today, n) for n in [{days}] (reminders)",
            reminders,
        ),
        (
            "ControlRepository.unreported_overdue(today) (escalation)",
            lambda u: u.control.unreported_overdue(today),
        ),
        (
            "AppealRepository.due_between(today, today+3) (/due, operator)",
            lambda u: u.appeals.due_between(today, soon, None),
        ),
        (
            "AppealRepository.overdue(today) (/overdue, operator)",
            lambda u: u.appeals.overdue(today, None),
        ),
        (
            "AppealRepository.due_between(today, today+3, dept) (/due, executor)",
            lambda u: u.appeals.due_between(today, soon, department),
        ),
        (
            "AppealRepository.overdue(today, dept) (/overdue, executor)",
            lambda u: u.appeals.overdue(today, department),
        ),
        (
            "AppealRepository.due_between(min, max, dept, 100) (/queue, executor)",
            lambda u: u.appeals.due_between(date.min, date.max, department, 100),
        ),
    ]


class Statements:
    """The SQL a repository method really sends, to EXPLAIN it with the same parameters."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.seen: list[tuple[str, Any]] = []
        self.on = False
        event.listen(engine.sync_engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if self.on and statement.lstrip().upper().startswith("SELECT"):
            self.seen.append((statement, parameters))


async def explain(engine: AsyncEngine, statement: str, parameters: Any) -> str:
    postgres = is_postgres(str(engine.url))
    prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    async with engine.connect() as connection:
        result = await connection.exec_driver_sql(prefix + statement, parameters)
        rows = result.all()
    if postgres:
        return " / ".join(str(row[0]).strip() for row in rows)
    return " / ".join(str(row[-1]) for row in rows)


#: How many of `scans` are the control jobs' own (reminders, escalation): timed again in the
#: steady state, when every reminder due so far went out and the scans should find nothing.
CONTROL_SCANS = 2
STEADY = " — steady state, all sent"


async def time_scans(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    repeats: int,
    chosen: list[tuple[str, Scan]],
) -> list[dict[str, Any]]:
    statements = Statements(engine)
    results = []
    for name, scan in chosen:
        timings = []
        found = 0
        for attempt in range(repeats):
            statements.on = attempt == 0
            started = time.perf_counter()
            async with unit_of_work(sessions) as uow:
                found = len(await scan(uow))
            timings.append(time.perf_counter() - started)
            statements.on = False
        plan = ""
        for statement, parameters in statements.seen:
            plan = await explain(engine, statement, parameters)
        statements.seen.clear()
        results.append(
            {
                "query": name,
                "rows": found,
                "median_s": statistics.median(timings),
                "min_s": min(timings),
                "max_s": max(timings),
                "uses_index": any(index in plan for index in INDEXES),
                "plan": plan,
            }
        )
    return results


async def reminders_already_sent(engine: AsyncEngine, today: date, now: datetime) -> None:
    """The steady state: every reminder and escalation due by `now` went out earlier, and so
    did the reminders of the past year's appeals (whose reminder days are gone), so that the
    scans probe a `sent_reminders` as large as a year of work leaves it (≈ 2 rows an appeal)."""
    in_work = Appeal.status.in_(values_of(OPEN_STATUSES))
    chosen = [(literal("overdue"), in_work & (Appeal.due_on < today))]
    chosen += [
        (
            literal(f"due{n}"),
            (Appeal.due_on < today + timedelta(days=n))
            | (
                Appeal.status.in_(values_of(IN_WORK_STATUSES))
                & (Appeal.due_on == today + timedelta(days=n))
            ),
        )
        for n in ConversationConfig().reminder_days
    ]
    async with engine.begin() as connection:
        for kind, where in chosen:
            await connection.execute(
                insert(SentReminder).from_select(
                    ["appeal_id", "kind", "due_on", "at"],
                    select(Appeal.id, kind, Appeal.due_on, literal(now, UTCDateTime())).where(
                        where
                    ),
                )
            )
    await autovacuum(engine)


async def autovacuum(engine: AsyncEngine) -> None:
    """PostgreSQL: what autovacuum would have done by now after a bulk insert — statistics for
    the planner, and the visibility map that lets an index-only scan skip the heap."""
    if not is_postgres(str(engine.url)):
        return
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE"))  # not inside a transaction


async def time_control(
    sessions: async_sessionmaker[AsyncSession], now: datetime
) -> list[dict[str, Any]]:
    """What the scheduler does each minute (every reminder due so far was sent before): the
    first pass at or after the digest time also builds the operators' digest (moved to that
    time of the same day when the run is earlier, so that the digest is always measured)."""
    config, catalogs = ConversationConfig(), Catalogs()
    local = now.astimezone(KYIV)
    digest_at = datetime.combine(local.date(), config.digest_time, tzinfo=KYIV).astimezone(UTC)
    first = max(now, digest_at)
    results = []
    for label, at in (
        ("first pass of the day, with the digest", first),
        ("a minute later", first + timedelta(minutes=1)),
    ):
        # What bot.scheduler.run_control does (each job in its own unit of work), each job
        # timed, so that a slow minute names its job.
        started = time.perf_counter()
        done: dict[str, tuple[int, float]] = {}
        for name, job in JOBS:
            began = time.perf_counter()
            async with unit_of_work(sessions) as uow:
                count = await run_job(job, uow, config, catalogs, at)
            done[name] = (count, time.perf_counter() - began)
        results.append(
            {
                "query": f"bot.scheduler.run_control ({label})",
                "rows": sum(count for count, _ in done.values()),
                "median_s": time.perf_counter() - started,
                "uses_index": None,
                "plan": ", ".join(
                    f"{k}={count} ({seconds * 1000:.1f} ms)"
                    for k, (count, seconds) in done.items()
                ),
                "single": True,
            }
        )
    return results


async def run_deadlines(
    database_url: str | None, appeals: int, repeats: int, with_control: bool
) -> dict[str, Any]:
    warnings = capture_warnings()
    with tempfile.TemporaryDirectory(prefix="bench-deadlines-") as tmp:
        url = database_url or sqlite_url(Path(tmp) / "reception.db")
        await reset_database(url)
        engine = create_engine(url)
        try:
            return await _measure(engine, url, Path(tmp), appeals, repeats, with_control) | {
                **warnings.summary(),
                "peak_rss_mb": peak_rss_mb(),
            }
        finally:
            await engine.dispose()
            await reset_database(url)  # a million rows are not left behind on the server


async def _measure(
    engine: AsyncEngine, url: str, tmp: Path, appeals: int, repeats: int, with_control: bool
) -> dict[str, Any]:
    await migrate(bench_settings(url, tmp / "attachments", "http://127.0.0.1:9", "0:x"), engine)
    sessions = create_sessionmaker(engine)
    now = datetime.now(UTC)
    today = now.astimezone(KYIV).date()
    await add_staff(sessions, now)
    async with engine.connect() as connection:
        departments = list(await connection.scalars(select(Department.id)))
    started = time.perf_counter()
    authors = await add_authors(
        engine, max(1, min(MAX_AUTHORS, appeals // APPEALS_PER_AUTHOR)), now
    )
    await insert_appeals(engine, Population(today, now, authors, departments), appeals)
    insert_s = time.perf_counter() - started
    await autovacuum(engine)
    async with engine.connect() as connection:
        total = int(await connection.scalar(select(func.count()).select_from(Appeal)) or 0)
        open_count = int(
            await connection.scalar(
                select(func.count())
                .select_from(Appeal)
                .where(Appeal.status.in_(values_of(OPEN_STATUSES)))
            )
            or 0
        )
    every = scans(today, departments[1], ConversationConfig())
    results = await time_scans(engine, sessions, repeats, every)
    if with_control:
        await reminders_already_sent(engine, today, now)
        steady = [(name + STEADY, scan) for name, scan in every[:CONTROL_SCANS]]
        results += await time_scans(engine, sessions, repeats, steady)
        results += await time_control(sessions, now)
    return {
        "appeals": total,
        "open_appeals": open_count,
        "insert_s": insert_s,
        "insert_rows_per_s": appeals / insert_s if insert_s > 0 else 0.0,
        "today": today.isoformat(),
        "repeats": repeats,
        "scans": results,
    }
