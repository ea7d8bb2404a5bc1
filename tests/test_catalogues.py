"""Every text a person can see is in both catalogues, translated, with the same placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "handlers", "reception", "storage")
#: As the Makefile extracts: `N_` and `NC_` (with its context) mark texts translated later.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NC_": DEFAULT_KEYWORDS["pgettext"]}
PLACEHOLDER = re.compile(r"\{\w*\}")


def source_messages() -> set[str]:
    found: set[str] = set()
    for package in SOURCES:
        for _, _, message, _, _ in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(locale: str) -> Catalog:
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as stream:
        return read_po(stream, locale=locale)


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_every_source_text_is_in_the_catalogue(locale: str) -> None:
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue(locale) if m.id}
    missing = source_messages() - ids
    assert not missing, f"run `make extract update-catalogues` and translate: {sorted(missing)}"


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_no_entry_is_untranslated_or_fuzzy(locale: str) -> None:
    problems = []
    for message in catalogue(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"{locale}: untranslated or fuzzy: {problems}"


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_translations_keep_the_placeholders(locale: str) -> None:
    for message in catalogue(locale):
        if not message.id:
            continue
        source = str(message.id[0] if isinstance(message.id, tuple) else message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert sorted(PLACEHOLDER.findall(str(string))) == sorted(
                PLACEHOLDER.findall(source)
            ), (
                locale,
                source,
            )


def test_the_catalogue_has_no_entries_the_code_no_longer_uses() -> None:
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue("uk") if m.id}
    assert not ids - source_messages()


def test_ukrainian_staff_texts_name_the_ukrainian_commands() -> None:
    """A staff command with a Ukrainian name is never shown in Latin to a Ukrainian reader
    (issue 15: operators were told to type `/reject … late` in an otherwise Ukrainian text)."""
    from handlers.staff_commands import STAFF_COMMANDS

    latin = [c.name for c in STAFF_COMMANDS.values() if c.aliases]
    named = re.compile("(" + "|".join(re.escape(name) for name in latin) + r")\b")
    catalog = catalogue("uk")
    shown = [
        (message.id, named.findall(str(message.string)))
        for message in catalog
        if message.id and named.search(str(message.string))
    ]
    assert shown == []
