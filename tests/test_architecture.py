"""DESIGN rule 1: the conversation, the law and storage never touch a messenger library."""

import ast
import re
from pathlib import Path

import pytest

from handlers.flow import STEPS
from handlers.steps import StepName

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


def test_the_conversation_does_not_know_the_database_library() -> None:
    """Issue 12: handlers/ reaches the database through storage's repositories only."""
    for path in (ROOT / "handlers").rglob("*.py"):
        assert "sqlalchemy" not in imports(path), path


def test_models_stay_inside_storage() -> None:
    for package in ("bot", "handlers", "reception"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "storage.models" not in text, path


def test_the_flow_document_lists_every_step_of_the_table() -> None:
    """A step added to the table and not to `docs/citizen-flow.md` (or one left there after it
    was removed) fails here."""
    document = (ROOT / "docs" / "citizen-flow.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", document, flags=re.M))
    assert listed == {str(name) for name in STEPS}
    assert set(STEPS) == set(StepName)
