"""Open311 GeoReport v2 under `/open311/v2/`: discovery, services (the citizens' topics), a
service's definition (the Art. 5 attributes Open311 lacks), requests (the public view of
appeals: `reception.publication.publish`, never an author's field) and POST requests with an
API key, which registers an appeal as the bot does and puts it in the operators' queue.

JSON and XML; errors in the spec's shape (`[{"code": 400, "description": "…"}]`).
Paging is an extension the spec leaves open: `page` (from 1) and `page_size` (≤ 1000)."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from typing import Any
from xml.etree import ElementTree

from aiohttp import web

from bot.public_page import PublicSettings, choose_locale
from handlers.api_filing import ApiRefusal, check_request, file_through_api
from handlers.config import ConversationConfig
from handlers.filing import CONFIDENTIAL_OPTION
from handlers.i18n import Catalogs
from reception.classifier import TOPICS, TOPICS_BY_CODE
from reception.kinds import KIND_NAMES, AppealKind
from reception.publication import PublicAppeal, parse_public_number, public_number
from storage.errors import Conflict
from storage.publication import PublicFilter
from storage.uow import Sessions, unit_of_work

log = logging.getLogger(__name__)

PREFIX = "/open311/v2"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00Z"
DEFAULT_DAYS = 90  # the spec: without dates, the last 90 days
MAX_PAGE_SIZE = 1000
FORMATS = {"json", "xml"}


def _xml(root: str, item: str, data: Any) -> str:
    def fill(element: ElementTree.Element, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                fill(ElementTree.SubElement(element, key), inner)
        elif isinstance(value, list):
            singular = {
                "attributes": "attribute",
                "values": "value",
                "endpoints": "endpoint",
                "formats": "format",
            }
            for inner in value:
                fill(ElementTree.SubElement(element, singular.get(element.tag, "item")), inner)
        elif value is None:
            pass
        elif isinstance(value, bool):
            element.text = "true" if value else "false"
        else:
            element.text = str(value)

    top = ElementTree.Element(root)
    if isinstance(data, list):
        for entry in data:
            fill(ElementTree.SubElement(top, item), entry)
    else:
        fill(top, data)
    body = ElementTree.tostring(top, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>' + body


def respond(fmt: str, data: Any, root: str, item: str, status: int = 200) -> web.Response:
    if fmt == "xml":
        return web.Response(
            text=_xml(root, item, data),
            status=status,
            content_type="text/xml",
            charset="utf-8",
        )
    return web.json_response(data, status=status)


def error(fmt: str, status: int, description: str) -> web.Response:
    return respond(fmt, [{"code": status, "description": description}], "errors", "error", status)


class Open311:
    def __init__(
        self,
        sessions: Sessions,
        catalogs: Catalogs,
        config: ConversationConfig,
        settings: PublicSettings,
        *,
        publish: bool,
        posts_per_hour: int,
        email_configured: bool,
        contact: str,
    ) -> None:
        self._sessions = sessions
        self._catalogs = catalogs
        self._config = config
        self._settings = settings
        self._publish = publish
        self._posts_per_hour = posts_per_hour
        self._email_configured = email_configured
        self._contact = contact

    def register(self, app: web.Application) -> None:
        fmt = "{format:json|xml}"
        app.router.add_get(f"{PREFIX}/discovery.{fmt}", self.discovery)
        app.router.add_get(f"{PREFIX}/services.{fmt}", self.services)
        app.router.add_get(PREFIX + "/services/{code:[^/.]+}." + fmt, self.definition)
        app.router.add_get(f"{PREFIX}/requests.{fmt}", self.requests)
        app.router.add_post(f"{PREFIX}/requests.{fmt}", self.post_request)
        app.router.add_get(PREFIX + "/requests/{id:[^/.]+}." + fmt, self.one_request)

    def _words(self, request: web.Request) -> tuple[str, Callable[[str], str]]:
        locale = choose_locale(request, self._catalogs)
        return locale, self._catalogs.get(locale).gettext

    async def discovery(self, request: web.Request) -> web.Response:
        base = f"{request.scheme}://{request.host}{PREFIX}"
        data = {
            "changeset": CHANGESET,
            "contact": self._contact,
            "key_service": "API keys are issued by the council's administrator",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        }
        return respond(request.match_info["format"], data, "discovery", "discovery")

    def _service(self, code: str, _: Callable[[str], str]) -> dict[str, Any]:
        topic = TOPICS_BY_CODE[code]
        return {
            "service_code": code,
            "service_name": _(topic.name),
            "description": _(topic.name),
            "metadata": True,
            "type": "batch",
            "keywords": "",
            "group": _("Appeals to the council"),
        }

    async def services(self, request: web.Request) -> web.Response:
        _locale, _ = self._words(request)
        data = [self._service(topic.code, _) for topic in TOPICS]
        return respond(request.match_info["format"], data, "services", "service")

    async def definition(self, request: web.Request) -> web.Response:
        fmt = request.match_info["format"]
        code = request.match_info["code"]
        _locale, _ = self._words(request)
        if code not in {topic.code for topic in TOPICS}:
            return error(fmt, 404, f"service_code {code} not found")

        def attribute(
            order: int, code: str, description: str, required: bool, values: list[Any] | None
        ) -> dict[str, Any]:
            return {
                "variable": True,
                "code": code,
                "datatype": "singlevaluelist" if values else "string",
                "required": required,
                "datatype_description": None,
                "order": order,
                "description": description,
                "values": values or [],
            }

        yes_no = [{"key": "true", "name": _("yes")}, {"key": "false", "name": _("no")}]
        data = {
            "service_code": code,
            "attributes": [
                attribute(1, "patronymic", _("Patronymic (Art. 5)"), True, None),
                attribute(2, "residence", _("Place of residence (Art. 5)"), True, None),
                attribute(
                    3,
                    "kind",
                    _("Kind of appeal"),
                    False,
                    [{"key": k.value, "name": _(KIND_NAMES[k])} for k in AppealKind],
                ),
                attribute(
                    4,
                    "confidential",
                    _(CONFIDENTIAL_OPTION),
                    False,
                    yes_no,
                ),
                attribute(
                    5,
                    "publish_text",
                    _("Publish the text without my name"),
                    False,
                    yes_no,
                ),
            ],
        }
        return respond(fmt, data, "service_definition", "service_definition")

    def _request(
        self, appeal: PublicAppeal, _: Callable[[str], str], names: dict[str, str]
    ) -> dict[str, Any]:
        topic = TOPICS_BY_CODE.get(appeal.topic)
        expected = datetime.combine(
            appeal.due_on, day_time(23, 59, 59), tzinfo=self._settings.timezone
        )
        return {
            "service_request_id": appeal.public_number,
            "status": "open" if appeal.is_open else "closed",
            "status_notes": None,
            "service_name": _(topic.name) if topic else appeal.topic,
            "service_code": appeal.topic,
            "description": appeal.text,
            "agency_responsible": names.get(appeal.department or ""),
            "service_notice": None,
            "requested_datetime": appeal.requested_at.astimezone(UTC).isoformat(),
            "updated_datetime": appeal.updated_at.astimezone(UTC).isoformat(),
            "expected_datetime": expected.isoformat(),
            "address": None,
            "address_id": None,
            "zipcode": None,
            "lat": appeal.latitude,
            "long": appeal.longitude,
            "media_url": None,
        }

    async def _names(self, locale: str) -> dict[str, str]:
        async with unit_of_work(self._sessions) as uow:
            bodies = await uow.public.departments()
        return {code: (uk if locale == "uk" else en) for code, uk, en in bodies}

    async def requests(self, request: web.Request) -> web.Response:
        fmt = request.match_info["format"]
        if not self._publish:
            return error(fmt, 404, "publication is turned off")
        q = request.query
        locale, _ = self._words(request)
        if q.get("service_request_id"):
            ids = [parse_public_number(i) for i in q["service_request_id"].split(",")[:100]]
            found: list[PublicAppeal] = []
            async with unit_of_work(self._sessions) as uow:
                for parsed in ids:
                    appeal = await uow.public.one(*parsed) if parsed else None
                    if appeal is not None:
                        found.append(appeal)
            names = await self._names(locale)
            data = [self._request(a, _, names) for a in found]
            return respond(fmt, data, "service_requests", "request")
        status = q.get("status")
        if status not in (None, "", "open", "closed"):
            return error(fmt, 400, "status must be open or closed")
        try:
            start = _moment(q.get("start_date"))
            end = _moment(q.get("end_date"))
            page = _number(q.get("page"), 1, 1, 1_000_000)
            size = _number(q.get("page_size"), MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        except ValueError as problem:
            return error(fmt, 400, str(problem))
        # The spec: requested_datetime within the range, which spans at most 90 days; the
        # last 90 days when no date is given, and 90 days either side of a lone date.
        span = timedelta(days=DEFAULT_DAYS)
        if start is None and end is None:
            end = self._settings.clock()
        if start is None:
            assert end is not None
            start = end - span
        elif end is None:
            end = start + span
        if end < start:
            return error(fmt, 400, "end_date must not be before start_date")
        if end - start > span:
            return error(
                fmt, 400, f"start_date and end_date may not span more than {DEFAULT_DAYS} days"
            )
        code = q.get("service_code") or None
        where = PublicFilter(
            topic=code,
            is_open=None if not status else status == "open",
            since=start,
            until=end,
        )
        async with unit_of_work(self._sessions) as uow:
            found, total = await uow.public.page(where, (page - 1) * size, size)
        names = await self._names(locale)
        data = [self._request(a, _, names) for a in found]
        response = respond(fmt, data, "service_requests", "request")
        response.headers["X-Total-Count"] = str(total)
        return response

    async def one_request(self, request: web.Request) -> web.Response:
        fmt = request.match_info["format"]
        if not self._publish:
            return error(fmt, 404, "publication is turned off")
        locale, _ = self._words(request)
        parsed = parse_public_number(request.match_info["id"])
        appeal = None
        if parsed is not None:
            async with unit_of_work(self._sessions) as uow:
                appeal = await uow.public.one(*parsed)
        if appeal is None:
            return error(fmt, 404, f"service_request_id {request.match_info['id']} not found")
        names = await self._names(locale)
        return respond(fmt, [self._request(appeal, _, names)], "service_requests", "request")

    async def post_request(self, request: web.Request) -> web.Response:
        fmt = request.match_info["format"]
        try:
            form = {key: str(value) for key, value in (await request.post()).items()}
        except (ValueError, UnicodeDecodeError):
            return error(fmt, 400, "the body must be application/x-www-form-urlencoded")
        key = form.get("api_key", "")
        now = self._settings.clock()
        async with unit_of_work(self._sessions) as uow:
            holder = await uow.api_keys.valid(key) if key else None
            # Counted in the database, so that every instance of the reception shares the limit.
            throttled = holder is not None and await uow.identity.over_limit(
                "open311",
                f"key:{holder.name}",
                self._posts_per_hour,
                now - timedelta(hours=1),
                now,
            )
        if holder is None:
            return error(fmt, 403, "api_key is missing or not valid")
        if throttled:
            return error(fmt, 429, "too many requests with this api_key; try again later")
        if not self._email_configured:
            # The registration index reaches the author only by e-mail: without SMTP an appeal
            # filed here would reach nobody, so none is filed.
            return error(
                fmt,
                503,
                "the reception cannot send e-mail (SMTP is not configured), so the author would "
                "never receive the registration index; no appeal is filed",
            )
        checked = check_request(form)
        if isinstance(checked, ApiRefusal):
            parts = []
            if checked.missing:
                parts.append("missing required fields: " + ", ".join(checked.missing))
            if checked.invalid:
                parts.append("invalid fields: " + ", ".join(checked.invalid))
            return error(fmt, 400, "; ".join(parts))
        locale, _ = self._words(request)
        try:
            async with unit_of_work(self._sessions) as uow:
                appeal = await file_through_api(
                    uow,
                    self._config,
                    self._catalogs,
                    self._settings.clock(),
                    checked,
                    locale,
                )
        except Conflict:
            return error(fmt, 409, "the register was busy; send the request again")
        log.info(
            "open311: an appeal was filed",
            extra={"event": "open311_filed", "key": holder.name, "appeal_id": appeal.id},
        )
        notice = _("Registered; the answer is due by {date}.").format(
            date=appeal.due_on.isoformat()
        )
        data = [
            {
                "service_request_id": public_number(appeal.year, appeal.number),
                "service_notice": notice,
                "account_id": None,
            }
        ]
        return respond(fmt, data, "service_requests", "request", status=201)


def _moment(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("start_date and end_date must be ISO 8601 (w3c) date-times") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _number(raw: str | None, default: int, low: int, high: int) -> int:
    if not raw:
        return default
    if not raw.isdecimal() or len(raw) > 7 or not low <= int(raw) <= high:
        raise ValueError(f"page and page_size must be whole numbers from {low} to {high}")
    return int(raw)
