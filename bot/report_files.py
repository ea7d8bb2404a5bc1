"""Report files: an XLSX workbook for the council, a PNG chart, and open-data CSV."""

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, date, tzinfo

from handlers.i18n import Catalogs
from handlers.render import report_label
from handlers.speaker import Speaker
from reception.publication import PublicAppeal
from reception.statistics import DIMENSIONS, ReportRow, Summary, breakdown, summarise

OPEN_DATA_COLUMNS = (
    "number",
    "received_on",
    "kind",
    "topic",
    "status",
    "department",
    "due_on",
    "answered_on",
    "result",
    "rating",
    "latitude",
    "longitude",
    "text",
)


def open_data_csv(appeals: Sequence[PublicAppeal], timezone: tzinfo) -> str:
    """Open data, one line per appeal: what `reception.publication.publish` lets out (the
    public page and Open311 show the same), no more; dates are the council's, as on the page."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OPEN_DATA_COLUMNS)
    for appeal in appeals:
        writer.writerow(
            (
                appeal.public_number,
                appeal.received_on.isoformat(),
                appeal.kind,
                appeal.topic,
                appeal.status,
                appeal.department or "",
                appeal.due_on.isoformat(),
                appeal.answered_at.astimezone(timezone).date().isoformat()
                if appeal.answered_at
                else "",
                appeal.result or "",
                "" if appeal.rating is None else appeal.rating,
                "" if appeal.latitude is None else f"{appeal.latitude:.3f}",
                "" if appeal.longitude is None else f"{appeal.longitude:.3f}",
                appeal.text or "",
            )
        )
    return out.getvalue()


class ReportFiles:
    def __init__(self, catalogs: Catalogs) -> None:
        self._catalogs = catalogs

    def _label(self, locale: str, dimension: str, code: str) -> str:
        return report_label(Speaker(locale, self._catalogs.get(locale), UTC), dimension, code)

    def _department(self, locale: str, code: str, departments: Mapping[str, str]) -> str:
        if code == "-":
            return self._catalogs.get(locale).gettext("not assigned")
        return departments.get(code, code)

    def workbook(
        self,
        rows: list[ReportRow],
        first: date,
        last: date,
        locale: str,
        departments: Mapping[str, str],
    ) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        _ = self._catalogs.get(locale).gettext
        bold = Font(bold=True)
        book = Workbook()
        sheet = book.active
        sheet.title = _("Summary")[:31]
        summary = summarise(rows, last)
        sheet.append([_("Period"), f"{first.isoformat()} — {last.isoformat()}"])
        sheet.append([_("Appeals received"), summary.total])
        sheet.append([_("Overdue"), summary.overdue])
        sheet.append([_("Median days to answer"), summary.median_days_to_answer])
        sheet.append([_("Average rating"), summary.average_rating])
        sheet.append([])
        sheet.append([_("Status"), _("Appeals")])
        for status, count in summary.by_status.items():
            sheet.append([self._label(locale, "status", status), count])
        for cell in sheet["A"]:
            cell.font = bold
        titles = {
            "kind": _("Kinds (3.x)"),
            "topic": _("Topics"),
            "result": _("Results (9.x)"),
            "author_category": _("Author categories (7.x)"),
            "receipt_form": _("Receipt forms (1.x)"),
            "receipt_sign": _("Receipt signs (2.x)"),
            "subject": _("Subjects (5.x)"),
        }
        for dimension, attribute in DIMENSIONS:
            table = breakdown(rows, attribute)
            codes = sorted(
                {c for counts in table.values() for c in counts}, key=lambda c: (c == "-", c)
            )
            page = book.create_sheet(titles[dimension][:31])
            page.append(
                [_("Department"), *[self._label(locale, dimension, c) for c in codes], _("Total")]
            )
            for cell in page[1]:
                cell.font = bold
            for department in sorted(table):
                counts = table[department]
                page.append(
                    [
                        self._department(locale, department, departments),
                        *[counts.get(c, 0) for c in codes],
                        sum(counts.values()),
                    ]
                )
            page.append(
                [_("Total"), *[sum(t.get(c, 0) for t in table.values()) for c in codes], len(rows)]
            )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def chart(
        self, summary: Summary, title: str, locale: str, departments: Mapping[str, str]
    ) -> bytes:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot

        _ = self._catalogs.get(locale).gettext
        figure, (left, right) = pyplot.subplots(1, 2, figsize=(11, 4.5))
        statuses = list(summary.by_status.items())
        left.barh(
            [self._label(locale, "status", s) for s, _n in statuses],
            [n for _s, n in statuses],
            color="#1f5fa8",
        )
        left.set_title(_("By status"))
        left.invert_yaxis()
        names, by_department = departments, list(summary.by_department.items())[:10]
        right.barh(
            [self._department(locale, d, names) for d, _n in by_department],
            [n for _d, n in by_department],
            color="#f2b705",
        )
        right.set_title(_("By department"))
        right.invert_yaxis()
        figure.suptitle(title)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        pyplot.close(figure)
        return buffer.getvalue()
