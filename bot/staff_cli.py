"""`python -m bot staff add|remove|list`: the first administrator, and staff from the server."""

import argparse
from datetime import UTC, datetime

from bot.app import StartupError
from bot.settings import Settings
from storage.db import create_engine, create_sessionmaker
from storage.uow import UnitOfWork, unit_of_work

CHANNELS = ("telegram", "viber", "console")
ROLES = ("admin", "operator", "executor")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="staff_action", required=True)
    add = actions.add_parser("add", help="give a messenger account a staff role")
    add.add_argument("--channel", choices=CHANNELS, required=True)
    add.add_argument(
        "--id",
        required=True,
        help="the account's id in the messenger "
        "(Telegram: the numeric user id; the terminal: the --user name)",
    )
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--department", help="the department's code (for an executor)")
    add.add_argument(
        "--force",
        action="store_true",
        help="create the account even though it never wrote to the bot (check the id first)",
    )
    remove = actions.add_parser("remove", help="make a staff account a citizen again")
    remove.add_argument("--channel", choices=CHANNELS, required=True)
    remove.add_argument("--id", required=True)
    actions.add_parser("list", help="list the staff")


async def refuse_losing_the_last_admin(uow: UnitOfWork, person_id: int, new_role: str) -> None:
    if new_role != "admin" and await uow.staff.is_last_admin(person_id):
        raise StartupError(
            "this is the last administrator: make another administrator first, then change this one"
        )


async def run_staff(settings: Settings, args: argparse.Namespace) -> str:
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as uow:
            if args.staff_action == "list":
                members = await uow.staff.members()
                departments = {d.id: d.code for d in await uow.departments.all(active_only=False)}
                lines = [
                    f"{m.person.role:<9} {departments.get(m.person.department_id or 0, '-'):<15} "
                    + ", ".join(f"{a.channel}:{a.external_id}" for a in m.accounts)
                    for m in members
                ]
                return "\n".join(lines) or "no staff yet"
            if args.staff_action == "add":
                department_id = None
                if args.role == "executor":
                    if not args.department:
                        raise StartupError("an executor needs --department CODE")
                    department = await uow.departments.by_code(args.department.lower())
                    if department is None:
                        raise StartupError(f"there is no department {args.department!r}")
                    department_id = department.id
                known = await uow.people.find_account(args.channel, args.id)
                if known is None and not getattr(args, "force", False):
                    # A typo in an id would silently make a stranger's account staff.
                    raise StartupError(
                        f"the account {args.channel}:{args.id} never wrote to the bot: check the "
                        "id (let the person send /start first), or add --force to create it"
                    )
                _, person = await uow.people.account(args.channel, args.id, datetime.now(UTC))
                await refuse_losing_the_last_admin(uow, person.id, args.role)
                await uow.staff.set_role(person.id, args.role, department_id)
                return f"{args.channel}:{args.id} is now {args.role}"
            row = await uow.people.find_account(args.channel, args.id)
            if row is None:
                raise StartupError(f"there is no account {args.channel}:{args.id}")
            await refuse_losing_the_last_admin(uow, row.person_id, "citizen")
            await uow.staff.set_role(row.person_id, "citizen", None)
            return f"{args.channel}:{args.id} is a citizen again"
    finally:
        await engine.dispose()
