"""What the conversation asks of the report files it hands out; `bot/` builds them."""

from datetime import date
from typing import Protocol

from reception.statistics import ReportRow, Summary


class ReportMaker(Protocol):
    def chart(self, summary: Summary, title: str, locale: str) -> bytes:
        """A PNG chart of the summary."""

    def workbook(self, rows: list[ReportRow], first: date, last: date, locale: str) -> bytes:
        """An XLSX workbook with the classifier's breakdowns per department."""
