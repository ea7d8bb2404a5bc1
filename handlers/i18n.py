"""Message catalogues: compiled `.mo` files when present and current, else read from `.po`."""

import gettext
import io
from importlib import resources
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = ("uk", "en")
DOMAIN = "messages"


def shipped_directory() -> Path:
    """The catalogues an installed wheel carries as `handlers/locales` (package data), or, in a
    checkout and an editable install, the top-level `locales/` they are built from."""
    shipped = resources.files("handlers") / "locales"
    if isinstance(shipped, Path) and shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parent.parent / "locales"


DEFAULT_DIRECTORY = shipped_directory()


def _load(directory: Path, locale: str) -> gettext.NullTranslations:
    folder = directory / locale / "LC_MESSAGES"
    po = folder / f"{DOMAIN}.po"
    mo = folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    if not po.exists():
        raise FileNotFoundError(f"no catalogue for {locale!r} in {directory}")
    with po.open("rb") as stream:
        catalog = read_po(stream, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Catalogs:
    def __init__(self, directory: Path = DEFAULT_DIRECTORY, default: str = "uk") -> None:
        self.default = default if default in LOCALES else LOCALES[0]
        self._translations = {locale: _load(directory, locale) for locale in LOCALES}

    def get(self, locale: str | None) -> gettext.NullTranslations:
        return self._translations[self.pick(locale)]

    def pick(self, locale: str | None) -> str:
        """A supported locale for a stored choice or a messenger's hint such as "en-US"."""
        return self.match(locale) or self.default

    def match(self, locale: str | None) -> str | None:
        """The supported locale a messenger's hint names, or None when it names none."""
        if locale:
            base = locale.split("-")[0].split("_")[0].lower()
            if base in self._translations:
                return base
        return None
