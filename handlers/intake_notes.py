"""What a person is told when the reception cannot answer at once: said without the database
(it may be the thing that is away), in the language the messenger reports."""

from handlers.i18n import Catalogs
from handlers.types import Reply
from reception.markers import N_

DELAYED = N_(
    "We have received your message. The reply is delayed a little; there is no need to send "
    "it again."
)
FAILED = N_(
    "Sorry, this message could not be processed. Please try again, or type /start to return "
    "to the menu."
)


def delay_note(catalogs: Catalogs, locale_hint: str | None) -> Reply:
    return Reply(catalogs.get(locale_hint).gettext(DELAYED))


def failure_note(catalogs: Catalogs, locale_hint: str | None) -> Reply:
    return Reply(catalogs.get(locale_hint).gettext(FAILED))
