"""The council's public page: who holds which appeal and whether they answer in time.

`/` the figures per executive body for a period, `/appeals` the list (filters, pages, a map),
`/appeals/{number}` one appeal with its public history, `/open-data.csv` every public field.
Every appeal passes through `reception.publication.publish` on its way here."""

import gettext
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html import escape
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.public_html import LAYOUT, MAP_SCRIPT, STYLESHEET
from bot.report_files import open_data_csv
from handlers.i18n import Catalogs
from handlers.render import date_text
from reception.classifier import RESULT_NAMES, TOPICS, TOPICS_BY_CODE, Result
from reception.kinds import KIND_NAMES, AppealKind
from reception.publication import (
    PublicAppeal,
    PublicEvent,
    body_statistics,
    parse_public_number,
)
from reception.statuses import STATUS_NAMES, Status
from storage.publication import PublicFilter
from storage.uow import Sessions, unit_of_work

PAGE_SIZE = 20
MAX_PAGE = 100_000


@dataclass(frozen=True)
class PublicSettings:
    council_uk: str
    council_en: str
    timezone: ZoneInfo
    #: A tile URL with {z}, {x}, {y}, loaded by the visitor's browser; empty: no map.
    map_tiles: str
    map_attribution: str
    page_size: int = PAGE_SIZE
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


def choose_locale(request: web.Request, catalogs: Catalogs) -> str:
    """`?lang=` first, then the browser's Accept-Language, then Ukrainian."""
    asked = request.query.get("lang")
    if asked in ("uk", "en"):
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("uk", "en"):
            return tag
    return catalogs.default


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


class Words:
    """The visitor's language: gettext and the names of codes."""

    def __init__(self, t: gettext.NullTranslations, locale: str, departments: dict[str, str]):
        self._ = t.gettext
        self.pgettext = t.pgettext
        self.locale = locale
        self.departments = departments

    def day(self, value: date) -> str:
        return date_text(self.pgettext, value, short=True)

    def topic(self, code: str) -> str:
        topic = TOPICS_BY_CODE.get(code)
        return f"{code} {self._(topic.name)}" if topic else code

    def status(self, code: str) -> str:
        try:
            return self._(STATUS_NAMES[Status(code)])
        except ValueError:
            return code

    def kind(self, code: str) -> str:
        try:
            return self._(KIND_NAMES[AppealKind(code)])
        except ValueError:
            return code

    def result(self, code: str | None) -> str:
        try:
            return self._(RESULT_NAMES[Result(code)]) if code else ""
        except ValueError:
            return code or ""

    def body(self, code: str | None) -> str:
        if code is None:
            return self._("not yet assigned")
        return self.departments.get(code, code)


def _options(choices: list[tuple[str, str]], chosen: str | None, anything: str) -> str:
    items = [f'<option value="">{escape(anything)}</option>']
    for value, label in choices:
        selected = " selected" if value == chosen else ""
        items.append(f'<option value="{escape(value)}"{selected}>{escape(label)}</option>')
    return "".join(items)


class PublicPage:
    def __init__(self, sessions: Sessions, catalogs: Catalogs, settings: PublicSettings):
        self._sessions = sessions
        self._catalogs = catalogs
        self._settings = settings

    def register(self, app: web.Application) -> None:
        app.router.add_get("/", self.statistics)
        app.router.add_get("/appeals", self.appeals)
        app.router.add_get("/appeals/{number}", self.appeal)
        app.router.add_get("/open-data.csv", self.open_data)
        app.router.add_get("/public.css", self.stylesheet)

    async def _words(self, request: web.Request) -> Words:
        locale = choose_locale(request, self._catalogs)
        async with unit_of_work(self._sessions) as uow:
            bodies = await uow.public.departments()
        names = {code: (uk if locale == "uk" else en) for code, uk, en in bodies}
        return Words(self._catalogs.get(locale), locale, names)

    def _today(self) -> date:
        return self._settings.clock().astimezone(self._settings.timezone).date()

    def _render(
        self,
        request: web.Request,
        words: Words,
        title: str,
        content: str,
        script: str = "",
        status: int = 200,
    ) -> web.Response:
        _ = words._
        other = "en" if words.locale == "uk" else "uk"
        query = {k: v for k, v in request.query.items() if k != "lang"}
        query["lang"] = other
        council = self._settings.council_uk if words.locale == "uk" else self._settings.council_en
        html = LAYOUT.substitute(
            lang=words.locale,
            title=escape(title),
            council=escape(council),
            skip=escape(_("Skip to the content")),
            nav_label=escape(_("Sections")),
            nav_stats=escape(_("Who answers on time")),
            nav_list=escape(_("All appeals")),
            nav_csv=escape(_("Open data (CSV)")),
            other_url=escape(f"{request.path}?{urlencode(query)}"),
            other_lang=other,
            other_name="English" if other == "en" else "Українська",
            content=content,
            footer=escape(
                _(
                    "No name, address, phone or e-mail of any citizen is published here. An "
                    "appeal's text is shown only where its author chose so; places are rounded "
                    "to a street block."
                )
            ),
            script=script,
        )
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")

    def _link(self, words: Words, path: str, **query: str) -> str:
        params = {k: v for k, v in query.items() if v}
        params["lang"] = words.locale
        return f"{path}?{urlencode(params)}"

    # --- the figures per body ---------------------------------------------------------------

    async def statistics(self, request: web.Request) -> web.Response:
        words = await self._words(request)
        _ = words._
        t101 = _("No appeals in this period.")
        t1 = _("Appeals received from {first} to {last}")
        t2 = _(
            "An appeal is answered within the term when the answer was given on or before its due date, extensions included."
        )
        today = self._today()
        first = _date(request.query.get("from")) or date(today.year, 1, 1)
        last = _date(request.query.get("to")) or today
        async with unit_of_work(self._sessions) as uow:
            appeals = await uow.public.all(PublicFilter(first=first, last=last))
        rows = []
        for figures in body_statistics(appeals, today, self._settings.timezone):
            percent = figures.in_time_percent
            median = figures.median_days
            rows.append(
                "<tr>"
                f'<th scope="row"><a href="{escape(self._link(words, "/appeals", body=figures.department or "", **{"from": first.isoformat(), "to": last.isoformat()}))}">'
                f"{escape(words.body(figures.department))}</a></th>"
                f'<td class="num">{figures.received}</td>'
                f'<td class="num">{figures.answered}</td>'
                f'<td class="num">{"—" if percent is None else f"{percent}%"}</td>'
                f'<td class="num">{"—" if median is None else f"{median:g}"}</td>'
                f'<td class="num{" late" if figures.overdue_now else ""}">{figures.overdue_now}</td>'
                f'<td class="num">{"—" if figures.average_rating is None else f"{figures.average_rating:g}"}</td>'
                "</tr>"
            )
        if not rows:
            rows.append(f'<tr><td colspan="7">{escape(t101)}</td></tr>')
        headers = (
            _("Executive body"),
            _("Received"),
            _("Answered"),
            _("Answered within the term"),
            _("Median days to answer"),
            _("Overdue now"),
            _("Average rating (1–5)"),
        )
        content = (
            self._period_form(words, "/", first, last)
            + '<div class="table-wrap"><table id="bodies">'
            + f"<caption>{escape(t1.format(first=words.day(first), last=words.day(last)))}</caption>"
            + "<thead><tr>"
            + "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table></div>"
            + f'<p class="note">{escape(t2)}</p>'
        )
        return self._render(request, words, _("Who answers on time"), content)

    def _period_form(
        self, words: Words, action: str, first: date | None, last: date | None
    ) -> str:
        _ = words._
        t3 = _("Received from")
        t4 = _("Received until")
        t5 = _("Show")
        return (
            f'<form class="filters" method="get" action="{action}" role="search">'
            f'<input type="hidden" name="lang" value="{words.locale}">'
            f'<label for="from">{escape(t3)}'
            f'<input type="date" id="from" name="from" value="{first.isoformat() if first else ""}"></label>'
            f'<label for="to">{escape(t4)}'
            f'<input type="date" id="to" name="to" value="{last.isoformat() if last else ""}"></label>'
            f'<button type="submit">{escape(t5)}</button>'
            "</form>"
        )

    # --- the list -----------------------------------------------------------------------------

    async def appeals(self, request: web.Request) -> web.Response:
        words = await self._words(request)
        _ = words._
        t102 = _("No appeals match.")
        t103 = _("Pages")
        t6 = _("Executive body")
        t7 = _("Topic")
        t8 = _("Status")
        t9 = _("Received from")
        t10 = _("Received until")
        t11 = _("Show")
        t12 = _("Newer")
        t13 = _("Page {page} of {pages} ({total} appeals)")
        t14 = _("Older")
        t15 = _("Appeals, the newest first")
        q = request.query
        status = q.get("status") or None
        if status is not None and status not in {s.value for s in Status}:
            status = None
        topic = q.get("topic") or None
        if topic is not None and topic not in TOPICS_BY_CODE:
            topic = None
        body = q.get("body") or None
        if body is not None and body not in words.departments:
            body = None
        first, last = _date(q.get("from")), _date(q.get("to"))
        raw_page = q.get("page", "1")
        page = int(raw_page) if raw_page.isdecimal() and len(raw_page) < 7 else 1
        page = min(max(page, 1), MAX_PAGE)
        where = PublicFilter(department=body, topic=topic, status=status, first=first, last=last)
        async with unit_of_work(self._sessions) as uow:
            size = self._settings.page_size
            found, total = await uow.public.page(where, (page - 1) * size, size)
        pages = max(1, math.ceil(total / self._settings.page_size))
        keep = {
            "body": body or "",
            "topic": topic or "",
            "status": status or "",
            "from": first.isoformat() if first else "",
            "to": last.isoformat() if last else "",
        }
        form = (
            '<form class="filters" method="get" action="/appeals" role="search">'
            f'<input type="hidden" name="lang" value="{words.locale}">'
            f'<label for="body">{escape(t6)}<select id="body" name="body">'
            + _options(sorted(words.departments.items(), key=lambda i: i[1]), body, _("any"))
            + "</select></label>"
            f'<label for="topic">{escape(t7)}<select id="topic" name="topic">'
            + _options([(t.code, words.topic(t.code)) for t in TOPICS], topic, _("any"))
            + "</select></label>"
            f'<label for="status">{escape(t8)}<select id="status" name="status">'
            + _options([(s.value, words.status(s.value)) for s in Status], status, _("any"))
            + "</select></label>"
            f'<label for="from">{escape(t9)}'
            f'<input type="date" id="from" name="from" value="{keep["from"]}"></label>'
            f'<label for="to">{escape(t10)}'
            f'<input type="date" id="to" name="to" value="{keep["to"]}"></label>'
            f'<button type="submit">{escape(t11)}</button></form>'
        )
        today = self._today()
        rows = [self._row(words, appeal, today) for appeal in found]
        if not rows:
            rows.append(f'<tr><td colspan="7">{escape(t102)}</td></tr>')
        headers = (
            _("Number"),
            _("Topic"),
            _("Status"),
            _("Executive body"),
            _("Received"),
            _("Due or answered"),
            _("Place (street block)"),
        )
        paging = [f'<nav class="pages" aria-label="{escape(t103)}">']
        if page > 1:
            paging.append(
                f'<a rel="prev" href="{escape(self._link(words, "/appeals", **keep, page=str(page - 1)))}">{escape(t12)}</a>'
            )
        paging.append(
            f'<span id="page-of">{escape(t13.format(page=page, pages=pages, total=total))}</span>'
        )
        if page < pages:
            paging.append(
                f'<a rel="next" href="{escape(self._link(words, "/appeals", **keep, page=str(page + 1)))}">{escape(t14)}</a>'
            )
        paging.append("</nav>")
        points = [
            (
                a.latitude,
                a.longitude,
                self._link(words, f"/appeals/{a.public_number}"),
                a.public_number,
            )
            for a in found
            if a.latitude is not None and a.longitude is not None
        ]
        map_html, script = self._map(words, points, zoom=13)
        content = (
            form
            + '<div class="table-wrap"><table id="appeals">'
            + f"<caption>{escape(t15)}</caption><thead><tr>"
            + "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table></div>"
            + "".join(paging)
            + map_html
        )
        return self._render(request, words, _("Appeals to the council"), content, script)

    def _due_or_answered(self, words: Words, appeal: PublicAppeal, today: date) -> str:
        _ = words._
        t104 = _("overdue")
        if appeal.answered_at is not None:
            # Never before the receipt date (an after-hours appeal, answered that evening).
            answered = max(
                appeal.answered_at.astimezone(self._settings.timezone).date(), appeal.received_on
            )
            return escape(_("answered {date}").format(date=words.day(answered)))
        if appeal.is_open:
            text = escape(_("due {date}").format(date=words.day(appeal.due_on)))
            if appeal.due_on < today:
                return f'<span class="late">{text} · {escape(t104)}</span>'
            return text
        return ""

    def _place(self, words: Words, appeal: PublicAppeal) -> str:
        if appeal.latitude is None or appeal.longitude is None:
            return ""
        return f"{appeal.latitude:.3f}, {appeal.longitude:.3f}"

    def _row(self, words: Words, appeal: PublicAppeal, today: date) -> str:
        link = self._link(words, f"/appeals/{appeal.public_number}")
        return (
            "<tr>"
            f'<th scope="row"><a href="{escape(link)}">{escape(appeal.public_number)}</a></th>'
            f"<td>{escape(words.topic(appeal.topic))}</td>"
            f"<td>{escape(words.status(appeal.status))}</td>"
            f"<td>{escape(words.body(appeal.department))}</td>"
            f"<td>{escape(words.day(appeal.received_on))}</td>"
            f"<td>{self._due_or_answered(words, appeal, today)}</td>"
            f"<td>{escape(self._place(words, appeal))}</td>"
            "</tr>"
        )

    def _map(
        self, words: Words, points: list[tuple[float, float, str, str]], zoom: int
    ) -> tuple[str, str]:
        _ = words._
        t16 = _("Map")
        t17 = _("The map is loaded by your browser from {source}; the page works without it.")
        if not points:
            return "", ""
        if not self._settings.map_tiles:
            return "", ""
        data = json.dumps(points)
        html = (
            f'<h2 id="map-title">{escape(t16)}</h2>'
            f'<div id="map" role="img" aria-labelledby="map-title" data-zoom="{zoom}" '
            f'data-tiles="{escape(self._settings.map_tiles)}" data-points="{escape(data)}"></div>'
            f'<p class="note">{escape(t17.format(source=self._settings.map_attribution))}</p>'
        )
        label = json.dumps(_("Map of the places, rounded to a street block"))
        return html, MAP_SCRIPT.substitute(label=label)

    # --- one appeal ---------------------------------------------------------------------------

    async def appeal(self, request: web.Request) -> web.Response:
        words = await self._words(request)
        _ = words._
        t105 = _("No appeal has this number.")
        t106 = _("overdue")
        t107 = _("The text is not published: its author did not choose to publish it.")
        t108 = _("History")
        t18 = _("Text, published without the author’s name at their choice")
        parsed = parse_public_number(request.match_info["number"])
        found: PublicAppeal | None = None
        history: list[PublicEvent] = []
        if parsed is not None:
            async with unit_of_work(self._sessions) as uow:
                found = await uow.public.one(*parsed)
                if found is not None:
                    history = await uow.public.history(found.id)
        if found is None:
            message = f"<p>{escape(t105)}</p>"
            return self._render(request, words, _("No such appeal"), message, status=404)
        today = self._today()
        fields: list[tuple[str, str]] = [
            (_("Kind"), escape(words.kind(found.kind))),
            (_("Topic"), escape(words.topic(found.topic))),
            (_("Status"), escape(words.status(found.status))),
            (_("Executive body"), escape(words.body(found.department))),
            (_("Received"), escape(words.day(found.received_on))),
            (_("Due by"), escape(words.day(found.due_on))),
        ]
        answered = self._due_or_answered(words, found, today)
        if found.answered_at is not None:
            fields.append((_("Answer"), answered))
            if found.result:
                fields.append((_("Result"), escape(words.result(found.result))))
        elif found.is_open and found.due_on < today:
            fields.append((_("Term"), f'<span class="late">{escape(t106)}</span>'))
        if found.rating is not None:
            fields.append((_("The author's rating"), f"{found.rating}/5"))
        place = self._place(words, found)
        if place:
            fields.append((_("Place (street block)"), escape(place)))
        card = (
            '<dl class="card">'
            + "".join(f"<dt>{escape(label)}</dt><dd>{value}</dd>" for label, value in fields)
            + "</dl>"
        )
        if found.text:
            card += f"<h2>{escape(t18)}</h2><blockquote>{escape(found.text)}</blockquote>"
        else:
            card += f'<p class="note">{escape(t107)}</p>'
        lines = "".join(
            f'<li><time datetime="{event.at.isoformat()}">'
            f"{escape(words.day(event.at.astimezone(self._settings.timezone).date()))}</time> — "
            f"{escape(self._event_text(words, event))}</li>"
            for event in history
        )
        card += f'<h2 id="history-title">{escape(t108)}</h2><ol id="history" aria-labelledby="history-title">{lines}</ol>'
        points = []
        if found.latitude is not None and found.longitude is not None:
            points.append((found.latitude, found.longitude, "#", found.public_number))
        map_html, script = self._map(words, points, zoom=16)
        card += map_html
        title = _("Appeal {number}").format(number=found.public_number)
        return self._render(request, words, title, card, script)

    def _event_text(self, words: Words, event: PublicEvent) -> str:
        _ = words._
        texts: dict[str, Callable[[], str]] = {
            "registered": lambda: _("received and registered"),
            "assigned": lambda: _("assigned to: {body}").format(body=words.body(event.department)),
            "taken": lambda: _("taken into work by the body"),
            "extended": lambda: _("term extended to {date}").format(
                date=words.day(event.due_on) if event.due_on else "—"
            ),
            "answered": lambda: _("answered"),
            "rated": lambda: _("rated by the author: {rating}/5").format(
                rating=event.rating if event.rating is not None else "—"
            ),
            "closed": lambda: _("closed"),
            "forwarded": lambda: _("forwarded to the competent body (Art. 7)"),
            "returned": lambda: _("returned to the author (Art. 5, 7)"),
            "not_considered": lambda: _("not considered (Art. 8)"),
            "withdrawn": lambda: _("withdrawn by the author"),
            "not_resolved": lambda: _("the author said the problem is not solved"),
        }
        make = texts.get(event.kind)
        return make() if make else event.kind

    # --- files --------------------------------------------------------------------------------

    async def open_data(self, request: web.Request) -> web.Response:
        async with unit_of_work(self._sessions) as uow:
            appeals = await uow.public.all(
                PublicFilter(
                    first=_date(request.query.get("from")), last=_date(request.query.get("to"))
                )
            )
        response = web.Response(
            text=open_data_csv(appeals, self._settings.timezone),
            content_type="text/csv",
            charset="utf-8",
        )
        response.headers["Content-Disposition"] = 'attachment; filename="appeals.csv"'
        return response

    async def stylesheet(self, _: web.Request) -> web.Response:
        response = web.Response(text=STYLESHEET, content_type="text/css", charset="utf-8")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response
