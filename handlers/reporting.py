"""What the conversation asks of the report files it hands out; `bot/` builds them."""

from collections.abc import Mapping
from datetime import date
from typing import Protocol

from reception.statistics import ReportRow, Summary


class ReportMaker(Protocol):
    def chart(
        self, summary: Summary, title: str, locale: str, departments: Mapping[str, str]
    ) -> bytes:
        """A PNG chart of the summary; `departments` names each department's code."""

    def workbook(
        self,
        rows: list[ReportRow],
        first: date,
        last: date,
        locale: str,
        departments: Mapping[str, str],
    ) -> bytes:
        """An XLSX workbook with the classifier's breakdowns per department, by name."""
