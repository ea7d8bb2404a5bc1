"""`python -m bot report --from DATE --to DATE --format xlsx|csv`: the council's report or the
open-data CSV from the command line, with progress on standard error."""

import argparse
import sys
from datetime import date, tzinfo
from pathlib import Path

from bot.app import StartupError
from bot.report_files import ReportFiles, open_data_csv
from bot.settings import Settings
from reception.publication import PublicAppeal
from reception.statistics import ReportRow
from storage.db import create_engine, create_sessionmaker
from storage.publication import PublicFilter
from storage.uow import unit_of_work


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="first",
        required=True,
        type=date.fromisoformat,
        help="the first day of receipt, YYYY-MM-DD",
    )
    parser.add_argument(
        "--to",
        dest="last",
        required=True,
        type=date.fromisoformat,
        help="the last day of receipt, YYYY-MM-DD",
    )
    parser.add_argument(
        "--format",
        choices=("xlsx", "csv"),
        default="xlsx",
        help="xlsx: the classifier breakdowns per department; csv: open data "
        "without personal data (the public page's fields)",
    )
    parser.add_argument(
        "--output", type=Path, help="the file to write (default: report-FROM-TO.FORMAT)"
    )
    parser.add_argument("--locale", choices=("uk", "en"), default="uk")


def progress(count: int) -> None:
    print(f"\r… {count} appeals read", end="", file=sys.stderr, flush=True)


async def read_open_data(settings: Settings, args: argparse.Namespace) -> list[PublicAppeal]:
    """Every appeal received in the period as the public sees it (reception/publication.py)."""
    if args.last < args.first:
        raise StartupError("--to is earlier than --from")
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as uow:
            return await uow.public.all(PublicFilter(first=args.first, last=args.last))
    finally:
        await engine.dispose()


def write_open_data(
    args: argparse.Namespace, appeals: list[PublicAppeal], timezone: tzinfo
) -> str:
    output: Path = args.output or Path(
        f"report-{args.first.isoformat()}-{args.last.isoformat()}.csv"
    )
    output.write_text(open_data_csv(appeals, timezone), encoding="utf-8")
    return f"{output} ({len(appeals)} appeals)"


async def read_rows(
    settings: Settings, args: argparse.Namespace
) -> tuple[list[ReportRow], dict[str, str]]:
    """The period's rows, and each department's name in the report's language."""
    if args.last < args.first:
        raise StartupError("--to is earlier than --from")
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as uow:
            rows = await uow.reports.rows(args.first, args.last, progress=progress)
            names = {d.code: d.name(args.locale) for d in await uow.departments.all()}
            return rows, names
    finally:
        await engine.dispose()


def write_report(
    settings: Settings,
    args: argparse.Namespace,
    rows: list[ReportRow],
    departments: dict[str, str],
) -> str:
    output: Path = args.output or Path(
        f"report-{args.first.isoformat()}-{args.last.isoformat()}.{args.format}"
    )
    print(f"\r{len(rows)} appeals read; writing {output}", file=sys.stderr, flush=True)
    files = ReportFiles(settings.catalogs())
    output.write_bytes(files.workbook(rows, args.first, args.last, args.locale, departments))
    return f"{output} ({len(rows)} appeals)"
