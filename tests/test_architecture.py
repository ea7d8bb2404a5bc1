"""DESIGN rule 1: the conversation, the law and storage never touch a messenger library."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("aiogram", "viberbot", "aiohttp")
ALLOWED_IN_RECEPTION = {
    "calendar",
    "collections",
    "statistics",
    "dataclasses",
    "datetime",
    "enum",
    "pathlib",
    "re",
    "unicodedata",
    "zoneinfo",
    "reception",
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["reception", "handlers", "storage"])
def test_core_packages_import_no_messenger_library(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        assert not imports(path) & set(FORBIDDEN), path


def test_the_law_depends_on_the_standard_library_only() -> None:
    for path in (ROOT / "reception").rglob("*.py"):
        assert imports(path) <= ALLOWED_IN_RECEPTION, path


def test_storage_does_not_know_the_conversation() -> None:
    for path in (ROOT / "storage").rglob("*.py"):
        assert not imports(path) & {"handlers", "bot"}, path
