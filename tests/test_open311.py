"""City systems read and file appeals through Open311 GeoReport v2: every endpoint speaks the
spec's field names, a POST is an appeal under the law (Art. 5) in the operators' queue, and no
GET ever shows a personal field — confidential (Art. 10) appeals included."""

import asyncio
import json
from typing import Any
from xml.etree import ElementTree

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from storage.models import Appeal, OutboxMessage
from tests.harness import Clock
from tests.public_kit import (
    CONFIDENTIAL_TEXT,
    PERSONAL,
    PUBLISHED_TEXT,
    Register,
    appeal_numbers,
    public_server,
    seed_register,
)

V2 = "/open311/v2"
#: GeoReport v2's fields, as its specification names them.
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
VALID_POST = {
    "service_code": "009",
    "last_name": "Мельник",
    "first_name": "Олена",
    "attribute[patronymic]": "Петрівна",
    "attribute[residence]": "м. Луцьк, вул. Винниченка, 12",
    "email": "olena@example.org",
    "description": "The pavement on Vynnychenka St. is broken near the school.",
    "lat": "50.7401",
    "long": "25.3302",
}


@pytest.fixture
async def register(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> Register:
    return await seed_register(conversation, sessions, clock)


async def call(method: str, url: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as client,
        client.request(method, url, data=data) as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def get_json(url: str) -> Any:
    status, kind, body = await call("GET", url)
    assert status == 200, body
    assert kind.startswith("application/json")
    return json.loads(body)


@pytest.fixture
def api_key(
    engine: object, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> str:
    """A key issued as the administrator would: `python -m bot apikey issue city-app`."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["apikey", "issue", "city-app"]) == 0
    key = str(capsys.readouterr().out.splitlines()[0])
    assert main(["apikey", "list"]) == 0
    listed = capsys.readouterr().out
    assert "city-app" in listed
    assert key not in listed
    return key


@pytest.mark.usefixtures("register")
async def test_discovery_services_and_definitions_speak_the_spec(
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
) -> None:
    async with public_server(sessions, catalogs, config, clock) as base:
        discovery = await get_json(f"{base}{V2}/discovery.json")
        services = await get_json(f"{base}{V2}/services.json?lang=en")
        definition = await get_json(f"{base}{V2}/services/009.json?lang=en")
        missing = await call("GET", f"{base}{V2}/services/999.json")
        status, kind, xml = await call("GET", f"{base}{V2}/services.xml")
        _, _, discovery_xml = await call("GET", f"{base}{V2}/discovery.xml")
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(discovery)
    formats = ElementTree.fromstring(discovery_xml).find("endpoints/endpoint/formats")  # noqa: S314
    assert formats is not None
    assert [f.tag for f in formats] == ["format", "format"]
    endpoint = discovery["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"{base}{V2}"
    assert "application/json" in endpoint["formats"]
    assert all(set(service) == SERVICE_FIELDS for service in services)
    housing = next(s for s in services if s["service_code"] == "009")
    assert housing["service_name"] == "Communal services"
    assert housing["metadata"] is True
    assert housing["type"] in ("realtime", "batch", "blackbox")
    assert definition["service_code"] == "009"
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert all(set(a) == ATTRIBUTE_FIELDS for a in attributes.values())
    assert attributes["residence"]["required"] is True
    assert attributes["patronymic"]["required"] is True
    assert [v["key"] for v in attributes["kind"]["values"]] == ["3.1", "3.2", "3.3"]
    assert missing[0] == 404
    assert json.loads(missing[2]) == [{"code": 404, "description": "service_code 999 not found"}]
    assert status == 200
    assert kind.startswith("text/xml")
    root = ElementTree.fromstring(xml)  # noqa: S314 -- our own server's answer on 127.0.0.1
    assert root.tag == "services"
    assert root[0].tag == "service"
    assert {child.tag for child in root[0]} == SERVICE_FIELDS


async def test_requests_show_the_public_view_and_never_a_personal_field(
    register: Register,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
) -> None:
    numbers = await appeal_numbers(sessions)
    window = "start_date=2026-12-01T00:00:00Z&end_date=2026-12-31T23:59:59Z"
    async with public_server(sessions, catalogs, config, clock) as base:
        everything = await get_json(f"{base}{V2}/requests.json?{window}&lang=en")
        default = await get_json(f"{base}{V2}/requests.json?lang=en")
        closed = await get_json(f"{base}{V2}/requests.json?{window}&status=closed")
        open_ = await get_json(f"{base}{V2}/requests.json?{window}&status=open")
        housing = await get_json(f"{base}{V2}/requests.json?{window}&service_code=009")
        first_page = await get_json(f"{base}{V2}/requests.json?{window}&page_size=2")
        third_page = await get_json(f"{base}{V2}/requests.json?{window}&page_size=2&page=3")
        one = await get_json(f"{base}{V2}/requests/{numbers['Ш-1']}.json?lang=en")
        confidential = await get_json(f"{base}{V2}/requests/{numbers['Ш-2']}.json")
        by_ids = await get_json(
            f"{base}{V2}/requests.json?service_request_id={numbers['Ш-1']},{numbers['К-3']}"
        )
        _, _, xml = await call("GET", f"{base}{V2}/requests.xml?{window}")
        bad = await call("GET", f"{base}{V2}/requests.json?status=lost")
        absent = await call("GET", f"{base}{V2}/requests/2026-999.json")
        since = await get_json(f"{base}{V2}/requests.json?start_date=2026-12-01T00:00:00Z&lang=en")
        until = await get_json(f"{base}{V2}/requests.json?end_date=2026-11-30T00:00:00Z")
        too_long = await call(
            "GET",
            f"{base}{V2}/requests.json?start_date=2026-01-01T00:00Z&end_date=2026-12-31T00:00Z",
        )
        backwards = await call(
            "GET",
            f"{base}{V2}/requests.json?start_date=2026-12-31T00:00Z&end_date=2026-12-01T00:00Z",
        )
    assert len(everything) == 5
    # The spec's window is over requested_datetime, at most 90 days; a lone date opens 90 days.
    assert since == everything
    assert until == []
    assert too_long[0] == backwards[0] == 400
    assert "90 days" in json.loads(too_long[2])[0]["description"]
    assert default == everything  # the spec's default: the last 90 days
    assert all(set(request) == REQUEST_FIELDS for request in everything)
    assert [r["service_request_id"] for r in everything] == sorted(
        numbers.values(), key=lambda n: int(n.split("-")[1]), reverse=True
    )
    assert {r["service_request_id"] for r in closed} == {numbers["Ш-1"], numbers["Ш-2"]}
    assert len(open_) == 3
    assert {r["service_code"] for r in housing} == {"009"}
    assert len(housing) == 3
    assert len(first_page) == 2
    assert len(third_page) == 1
    assert one[0]["description"] == PUBLISHED_TEXT
    assert one[0]["status"] == "closed"
    assert one[0]["agency_responsible"] == "Department of Housing and Communal Services"
    assert (one[0]["lat"], one[0]["long"]) == (50.748, 25.326)
    assert one[0]["address"] is None
    assert confidential[0]["description"] is None
    assert CONFIDENTIAL_TEXT not in json.dumps(everything)
    assert {r["service_request_id"] for r in by_ids} == {numbers["Ш-1"], numbers["К-3"]}
    root = ElementTree.fromstring(xml)  # noqa: S314 -- our own server's answer on 127.0.0.1
    assert root.tag == "service_requests"
    assert {child.tag for child in root[0]} == REQUEST_FIELDS
    assert bad[0] == 400
    assert json.loads(bad[2])[0]["code"] == 400
    assert absent[0] == 404
    served = json.dumps(everything, ensure_ascii=False) + xml
    for datum in PERSONAL:
        assert datum not in served, datum
    for field in ("first_name", "last_name", "email", "phone", "residence"):
        assert field not in served


@pytest.mark.usefixtures("register")
async def test_a_post_registers_an_appeal_the_operators_see_in_their_queue(
    api_key: str,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
    conversation: Conversation,
) -> None:
    from tests.harness import Chat

    operator = Chat(conversation, "operator-1")
    async with public_server(sessions, catalogs, config, clock) as base:
        status, _, body = await call(
            "POST", f"{base}{V2}/requests.json", {**VALID_POST, "api_key": api_key}
        )
        assert status == 201, body
        answer = json.loads(body)[0]
        assert set(answer) == {"service_request_id", "service_notice", "account_id"}
        shown = await get_json(f"{base}{V2}/requests/{answer['service_request_id']}.json")
    async with sessions() as session:
        appeal = (await session.scalars(select(Appeal).where(Appeal.surname == "Мельник"))).one()
        mail = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.recipient == "olena@example.org")
            )
        ).one()
    assert answer["service_request_id"] == f"{appeal.year}-{appeal.number}"
    assert appeal.reg_index == "М-6"
    assert "М-6" not in body  # the index goes only to the author's own contact
    assert "М-6" in mail.payload["body"]
    assert (appeal.residence, appeal.patronymic) == ("м. Луцьк, вул. Винниченка, 12", "Петрівна")
    assert appeal.receipt_form == "1.1"  # electronic, as filed in the bots
    assert shown[0]["description"] is None  # not published unless the author asked
    await operator.send("/queue")
    assert "М-6" in operator.text


@pytest.mark.usefixtures("register")
async def test_a_post_without_art5_fields_or_a_valid_key_is_refused(
    api_key: str,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    url_of = "{}" + V2 + "/requests.json"
    async with public_server(sessions, catalogs, config, clock, posts_per_hour=2) as base:
        url = url_of.format(base)
        no_surname = {k: v for k, v in VALID_POST.items() if k != "last_name"}
        status, _, body = await call("POST", url, {**no_surname, "api_key": api_key})
        assert status == 400
        assert json.loads(body) == [
            {"code": 400, "description": "missing required fields: last_name"}
        ]
        no_place = {k: v for k, v in VALID_POST.items() if k != "attribute[residence]"}
        status, _, body = await call("POST", url, {**no_place, "api_key": api_key})
        assert "attribute[residence]" in json.loads(body)[0]["description"]
        wrong = await call("POST", url, {**VALID_POST, "api_key": "not-a-key"})
        assert wrong[0] == 403
        assert json.loads(wrong[2])[0]["code"] == 403
        nothing = await call("POST", url, VALID_POST)
        assert nothing[0] == 403
        throttled = await call("POST", url, {**VALID_POST, "api_key": api_key})
        assert throttled[0] == 429
        # Another instance of the reception on the same database counts the same requests.
        async with public_server(sessions, catalogs, config, clock, posts_per_hour=2) as other:
            shared = await call("POST", url_of.format(other), {**VALID_POST, "api_key": api_key})
        assert shared[0] == 429
        assert await asyncio.to_thread(main, ["apikey", "revoke", "city-app"]) == 0
        capsys.readouterr()
        revoked = await call("POST", url, {**VALID_POST, "api_key": api_key})
        assert revoked[0] == 403
    async with sessions() as session:
        assert (await session.scalar(select(Appeal).where(Appeal.surname == "Мельник"))) is None


@pytest.mark.usefixtures("register")
async def test_a_post_whose_index_could_reach_nobody_is_refused(
    api_key: str,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
) -> None:
    """The registration index goes only to the author's e-mail: a POST without one, or to a
    reception that cannot send e-mail, files nothing."""
    phone_only = {k: v for k, v in VALID_POST.items() if k != "email"} | {"phone": "050 123 45 67"}
    async with public_server(sessions, catalogs, config, clock) as base:
        status, _, body = await call(
            "POST", f"{base}{V2}/requests.json", {**phone_only, "api_key": api_key}
        )
    assert status == 400, body
    assert json.loads(body) == [{"code": 400, "description": "missing required fields: email"}]
    async with public_server(sessions, catalogs, config, clock, email_configured=False) as base:
        status, kind, body = await call(
            "POST", f"{base}{V2}/requests.xml", {**VALID_POST, "api_key": api_key}
        )
    assert status == 503, body
    assert kind.startswith("text/xml") or kind.startswith("application/xml"), kind
    assert "<code>503</code>" in body
    assert "cannot send e-mail" in body
    async with sessions() as session:
        assert (await session.scalar(select(Appeal).where(Appeal.surname == "Мельник"))) is None
        mailed = select(OutboxMessage).where(OutboxMessage.kind == "email:registered")
        assert (await session.scalar(mailed)) is None
