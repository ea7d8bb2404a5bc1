"""Dates as a person reads them: "1 грудня 2026" in a reply, "1 груд. 2026" on the public page,
in the council's time zone; month names come from the catalogues (issue 14: Babel's locale data
cost the process ≈ 6 MB)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.public_page import Words
from handlers.i18n import Catalogs
from handlers.render import day, moment
from handlers.speaker import Speakers

KYIV = ZoneInfo("Europe/Kyiv")

GENITIVE = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"
SHORT_UK = "січ. лют. бер. квіт. трав. черв. лип. серп. вер. жовт. лист. груд."
ENGLISH = "January February March April May June July August September October November December"
SHORT_EN = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"


@pytest.mark.parametrize(
    ("locale", "months", "short"), [("uk", GENITIVE, SHORT_UK), ("en", ENGLISH, SHORT_EN)]
)
def test_every_month_of_a_date_in_both_languages(locale: str, months: str, short: str) -> None:
    words = Speakers(Catalogs(), KYIV).of(locale)
    page = Words(Catalogs().get(locale), locale, {})
    for number, (name, abbreviation) in enumerate(
        zip(months.split(), short.split(), strict=True), start=1
    ):
        assert day(words, date(2026, number, 9)) == f"9 {name} 2026"
        assert page.day(date(2026, number, 9)) == f"9 {abbreviation} 2026"


def test_a_moment_is_told_in_the_councils_time_zone() -> None:
    words = Speakers(Catalogs(), KYIV).of("uk")
    # 21:05 UTC on 31 May is five past midnight of 1 June in Lutsk (summer time, UTC+3).
    assert moment(words, datetime(2026, 5, 31, 21, 5, tzinfo=UTC)) == "1 червня 2026, 00:05"
    assert moment(words, datetime(2026, 12, 1, 9, 30, tzinfo=UTC)) == "1 грудня 2026, 11:30"
