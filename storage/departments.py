"""The council's executive bodies, kept in step with the deployer's data file."""

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import select

from reception.categories import CategoryFileError, EverydayCategory, parse_categories
from storage.convert import to_record
from storage.models import Department
from storage.records import DepartmentRecord
from storage.tx import Repository


@dataclass(frozen=True)
class DepartmentEntry:
    code: str
    name_uk: str
    name_en: str
    email: str
    email_is_placeholder: bool
    topics: tuple[str, ...]
    triage_desk: bool


class DepartmentFileError(ValueError):
    pass


def example_departments_file() -> Path:
    """The example data (Lutsk, placeholder addresses) a wheel carries as `storage/examples`;
    in a checkout, `config/departments.toml` it is built from. A deployer sets their own file
    with DEPARTMENTS_FILE."""
    shipped = resources.files("storage") / "examples" / "departments.toml"
    if isinstance(shipped, Path) and shipped.is_file():
        return shipped
    return Path(__file__).resolve().parent.parent / "config" / "departments.toml"


def example_categories_file() -> Path:
    """The everyday categories shipped beside the example departments (CATEGORIES_FILE sets a
    deployer's own)."""
    shipped = resources.files("storage") / "examples" / "categories.toml"
    if isinstance(shipped, Path) and shipped.is_file():
        return shipped
    return Path(__file__).resolve().parent.parent / "config" / "categories.toml"


def read_categories(path: Path) -> tuple[EverydayCategory, ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CategoryFileError(f"{path}: {error}") from error
    return parse_categories(data, str(path))


def load_departments(path: Path) -> list[DepartmentEntry]:
    """Read and check the data file; a mistake names the entry and the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DepartmentFileError(f"{path}: {error}") from error
    entries: list[DepartmentEntry] = []
    seen: set[str] = set()
    for position, item in enumerate(data.get("department", []), start=1):
        try:
            code = str(item["code"])
            entry = DepartmentEntry(
                code=code,
                name_uk=str(item["name_uk"]),
                name_en=str(item["name_en"]),
                email=str(item["email"]),
                email_is_placeholder=bool(item.get("email_is_placeholder", False)),
                topics=tuple(str(t) for t in item.get("topics", [])),
                triage_desk=bool(item.get("triage_desk", False)),
            )
        except KeyError as error:
            raise DepartmentFileError(
                f"{path}: department #{position} lacks {error.args[0]!r}"
            ) from error
        if code in seen:
            raise DepartmentFileError(f"{path}: department code {code!r} appears twice")
        seen.add(code)
        entries.append(entry)
    if not entries:
        raise DepartmentFileError(f"{path}: no [[department]] entries")
    return entries


class DepartmentRepository(Repository):
    async def sync(self, entries: list[DepartmentEntry]) -> None:
        """Add and update bodies by code; a body gone from the file is deactivated, not deleted,
        because appeals keep referring to it."""
        rows = {row.code: row for row in await self._session.scalars(select(Department))}
        codes = {entry.code for entry in entries}
        for entry in entries:
            row = rows.get(entry.code)
            if row is None:
                row = Department(code=entry.code)
                self._session.add(row)
            row.name_uk = entry.name_uk
            row.name_en = entry.name_en
            row.email = entry.email
            row.email_is_placeholder = entry.email_is_placeholder
            row.topics = list(entry.topics)
            row.triage_desk = entry.triage_desk
            row.active = True
        for code, row in rows.items():
            if code not in codes:
                row.active = False
        await self._session.flush()

    async def all(self, *, active_only: bool = True) -> list[DepartmentRecord]:
        query = select(Department).order_by(Department.id)
        if active_only:
            query = query.where(Department.active.is_(True))
        return [to_record(DepartmentRecord, row) for row in await self._session.scalars(query)]

    async def by_code(self, code: str) -> DepartmentRecord | None:
        row = await self._session.scalar(select(Department).where(Department.code == code))
        return None if row is None else to_record(DepartmentRecord, row)

    async def get(self, department_id: int) -> DepartmentRecord | None:
        row = await self._session.get(Department, department_id)
        return None if row is None else to_record(DepartmentRecord, row)
