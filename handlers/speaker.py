"""Words for one reader: their language, its catalogue and the reception's time zone. Renderers
and notices take only this (`Words`); the conversation's `Ctx` is one, a `Speaker` built for
another reader or for a scheduled job is another."""

import gettext
from dataclasses import dataclass
from datetime import tzinfo
from typing import Protocol

from handlers.i18n import Catalogs

OFFICIAL_LOCALE = "uk"


class Words(Protocol):
    @property
    def locale(self) -> str: ...

    @property
    def timezone(self) -> tzinfo: ...

    def _(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...

    def pgettext(self, context: str, message: str) -> str: ...


@dataclass(frozen=True)
class Speaker:
    locale: str
    translations: gettext.NullTranslations
    timezone: tzinfo

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)


@dataclass(frozen=True)
class Speakers:
    """A `Speaker` for any reader, from their stored language (or the reception's default)."""

    catalogs: Catalogs
    timezone: tzinfo

    def of(self, locale: str | None) -> Speaker:
        picked = self.catalogs.pick(locale)
        return Speaker(picked, self.catalogs.get(picked), self.timezone)

    def official(self) -> Speaker:
        """The council's working language, for the departments' e-mail whoever triggers it."""
        return self.of(OFFICIAL_LOCALE)
