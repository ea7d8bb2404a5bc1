"""`python -m bot`: run, console, migrate."""

import argparse
import asyncio
import getpass
import sys
from datetime import timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.apikey_cli import add_arguments as add_apikey_arguments
from bot.apikey_cli import run_apikey
from bot.app import StartupError, build_app, migrate, shown_url
from bot.console import ConsoleChannel, ConsoleNotifications
from bot.email import EmailSender
from bot.logs import setup_logging
from bot.outbox import OutboxWorker
from bot.report_cli import add_arguments as add_report_arguments
from bot.report_cli import read_open_data, read_rows, write_open_data, write_report
from bot.runner import serve
from bot.settings import Settings
from bot.staff_cli import add_arguments as add_staff_arguments
from bot.staff_cli import run_staff
from storage.db import create_engine
from storage.departments import DepartmentFileError
from storage.outages import is_outage


def setting_problem(error: Any) -> str:
    """One problem of a validation error, named by its setting. A check across settings has no
    location; its message starts with the setting's name."""
    message = str(error["msg"]).removeprefix("Value error, ")
    name = ".".join(str(part) for part in error["loc"]).upper()
    return f"{name}: {message}" if name else message


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(setting_problem(e) for e in error.errors())
        raise StartupError(f"bad settings — {problems}") from None


async def run_console(settings: Settings, user: str) -> None:
    app = await build_app(settings)
    try:
        channel = ConsoleChannel(
            app.conversation,
            app.attachments,
            user=user,
            max_file_bytes=settings.max_file_mb * 1024 * 1024,
        )
        stop = asyncio.Event()
        email = EmailSender(settings) if settings.smtp_host and settings.smtp_from else None
        worker = OutboxWorker(
            app.sessions,
            {"console": ConsoleNotifications(channel)},
            email,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
        )
        notifications = asyncio.create_task(worker.run(stop))
        try:
            await channel.run()
        finally:
            stop.set()
            await notifications
    finally:
        await app.close()


def terminal_chat_for_run(settings: Settings) -> bool:
    """`run` without a messenger token: the terminal chat for a person at a terminal (`make
    run`); the web part alone (public page, Open311, monitoring) for a service, whose standard
    input is not a terminal, or when WEB_ONLY is set."""
    messengers = settings.telegram_bot_token or settings.viber_auth_token
    return not messengers and not settings.web_only and sys.stdin.isatty()


async def run_all(settings: Settings, user: str) -> None:
    if terminal_chat_for_run(settings):
        await run_console(settings, user)
        return
    app = await build_app(settings)
    if settings.telegram_bot_token is None and settings.viber_auth_token is None:
        print(
            f"python -m bot run: no messenger token is set, so only the web part serves: the "
            f"public page and Open311 on http://{settings.web_host}:{settings.web_port}/",
            file=sys.stderr,
        )
    try:
        await serve(app)
    finally:
        await app.close()


async def run_migrate(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await migrate(settings, engine)
    finally:
        await engine.dispose()


def version() -> str:
    try:
        return metadata.version("pryimalnia")
    except metadata.PackageNotFoundError:  # a checkout that was never installed
        return "unknown (not installed)"


def program_name() -> str:
    """`pryimalnia` for the console script, `python -m bot` otherwise."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return name if name == "pryimalnia" else "python -m bot"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=program_name(),
        description=("The internet reception of a city council in messengers."),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="serve every configured channel and the web part (without a messenger token: the "
        "terminal chat at a terminal, the web part alone otherwise or with WEB_ONLY)",
    )
    console = commands.add_parser("console", help="chat with the reception in this terminal")
    for sub in (run, console):
        sub.add_argument(
            "--user",
            default=getpass.getuser(),
            help="who you are in the terminal chat (default: your login name)",
        )
    commands.add_parser("migrate", help="create or upgrade the database and load departments")
    add_staff_arguments(commands.add_parser("staff", help="manage staff roles"))
    add_report_arguments(commands.add_parser("report", help="write a report or open data"))
    add_apikey_arguments(commands.add_parser("apikey", help="manage Open311 API keys"))
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        terminal = args.command == "console" or (
            args.command == "run" and terminal_chat_for_run(settings)
        )
        setup_logging(settings.log_level, quiet=terminal, json_lines=settings.log_format == "json")
        if args.command == "report" and args.format == "csv":
            appeals = asyncio.run(read_open_data(settings, args))
            print(write_open_data(args, appeals, ZoneInfo(settings.timezone)))
        elif args.command == "report":
            rows, departments = asyncio.run(read_rows(settings, args))
            print(write_report(settings, args, rows, departments))
        elif args.command == "staff":
            print(asyncio.run(run_staff(settings, args)))
        elif args.command == "apikey":
            print(asyncio.run(run_apikey(settings, args)))
        elif args.command == "migrate":
            asyncio.run(run_migrate(settings))
            print("The database is up to date.")
        elif args.command == "console":
            asyncio.run(run_console(settings, args.user))
        else:
            asyncio.run(run_all(settings, args.user))
    except (SQLAlchemyError, ConnectionError) as error:
        if not is_outage(error):
            raise
        # staff, report: a database that is down is one line naming the setting, as for run.
        print(
            f"{program_name()} {args.command}: cannot use the database at "
            f"DATABASE_URL={shown_url(settings.database_url)} ({type(error).__name__}): check "
            "that it runs, is reachable and the URL, user and password are right",
            file=sys.stderr,
        )
        return 2
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        print(
            f"{program_name()} {args.command}: {error.strerror or error}{where}", file=sys.stderr
        )
        return 2
    except (StartupError, DepartmentFileError) as error:
        print(f"{program_name()} {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
