"""`python -m bot apikey issue|revoke|list`: the keys city systems file appeals with through
Open311. A key is shown once, when issued; only its hash is kept."""

import argparse
import re
import secrets
from datetime import UTC, datetime

from bot.app import StartupError
from bot.settings import Settings
from storage.db import create_engine, create_sessionmaker
from storage.errors import Conflict
from storage.uow import unit_of_work

NAME = re.compile(r"[A-Za-z0-9_.-]{1,80}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="apikey_action", required=True)
    issue = actions.add_parser("issue", help="issue a key for a city system (shown once)")
    issue.add_argument("name", help="who holds the key, e.g. city-app (letters, digits, _ . -)")
    revoke = actions.add_parser("revoke", help="stop a key from working")
    revoke.add_argument("name")
    actions.add_parser("list", help="list the keys (names and dates, never the keys)")


async def run_apikey(settings: Settings, args: argparse.Namespace) -> str:
    now = datetime.now(UTC)
    engine = create_engine(settings.database_url)
    try:
        sessions = create_sessionmaker(engine)
        if args.apikey_action == "list":
            async with unit_of_work(sessions) as uow:
                keys = await uow.api_keys.all()
            lines = [
                f"{k.name}\tissued {k.created_at:%Y-%m-%d}"
                + (f"\trevoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "")
                for k in keys
            ]
            return "\n".join(lines) or "No API keys."
        if not NAME.fullmatch(args.name):
            raise StartupError("the name may hold letters, digits, _ . - (up to 80)")
        if args.apikey_action == "revoke":
            async with unit_of_work(sessions) as uow:
                done = await uow.api_keys.revoke(args.name, now)
            if not done:
                raise StartupError(f"no working key is named {args.name}")
            return f"The key {args.name} is revoked."
        key = secrets.token_urlsafe(32)
        try:
            async with unit_of_work(sessions) as uow:
                await uow.api_keys.issue(args.name, key, now)
        except Conflict:
            raise StartupError(
                f"a key named {args.name} exists; revoke it or pick another name"
            ) from None
        return f"{key}\n(the key for {args.name}: shown only now; give it over a safe channel)"
    finally:
        await engine.dispose()
