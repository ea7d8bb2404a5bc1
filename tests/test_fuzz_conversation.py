"""Random events in every state of the citizen's and the staff's flows: no exception, every input
answered, the database consistent (a hypothesis state machine)."""

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import func, select

from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.flow import STEPS
from handlers.i18n import Catalogs
from handlers.payloads import BACK, SUBMIT
from handlers.types import Contact, Incoming, IncomingFile, Location, Reply
from reception.statuses import Status
from storage.db import create_engine, create_sessionmaker
from storage.departments import load_departments
from storage.migrate import upgrade
from storage.models import Appeal, AppealEvent, ConversationState
from storage.uow import unit_of_work

ROOT = Path(__file__).resolve().parent.parent
USERS = ("citizen-a", "citizen-b", "operator", "executor")
ACTIONS = (
    "lang:uk",
    "lang:en",
    "lang:xx",
    "consent:yes",
    "consent:no",
    "m:new",
    "m:my",
    "m:help",
    "m:menu",
    "kind:3.1",
    "kind:3.3",
    "kind:9.9",
    "cat:lighting",
    "topic:999",
    "done",
    "text:clear",
    "skip",
    "profile:use",
    "profile:new",
    "opt:collective",
    "opt:confidential",
    "opt:privileged",
    "opt:done",
    "cat:7.1",
    "cat:0",
    "back",
    "submit",
    "sum:submit",
    "sum:edit",
    "sum:discard",
    "priv:7.1",
    "nophone",
    "clear",
    "confirm",
    "edit",
    "edit:name",
    "edit:kind",
    "edit:nothing",
    "discard",
    "discard:yes",
    "discard:no",
    "resume:continue",
    "resume:restart",
    "ap:1",
    "ap:2",
    "ap:x",
    "add:1",
    "wd:1",
    "wd:yes",
    "rate:1:5",
    "rate:1:9",
    "unres:1",
    "again:repeat",
    "again:complaint",
    "so:1",
    "so:2",
    "sa:assign:1",
    "sa:take:1",
    "sa:answer:1",
    "sa:extend:1",
    "sa:forward:1",
    "sa:return:1",
    "sa:reject:1",
    "sa:note:1",
    "sd:2",
    "sd:999",
    "term:15",
    "term:30",
    "why:repeated",
    "why:nope",
    "result:9.1",
    "result:9.9",
    "confirm",
    "",
    ":",
    "x" * 300,
)
COMMANDS = (
    "/start",
    "/new",
    "/my",
    "/help",
    "/lang",
    "/cancel",
    "/menu",
    "/mydata",
    "/queue",
    "/appeal Ш-1",
    "/appeal",
    "/assign Ш-1 zhkh 15",
    "/assign Ш-1 nosuch",
    "/take Ш-1",
    "/answer Ш-1",
    "/extend Ш-1 31.12.2026 reason",
    "/extend Ш-1 01.01.2099 x",
    "/forward Ш-1 Body; reason",
    "/return Ш-1 why",
    "/reject Ш-1 late",
    "/note Ш-1 text",
    "/find Шевченко",
    "/due",
    "/overdue",
    "/stats",
    "/stats all",
    "/report month",
    "/invite operator",
    "/join AAAA-BBBB-CCCC",
    "/unknown",
    "/",
)
GOOD_INPUT: dict[str, dict[str, Any]] = {
    "language": {"action": "lang:uk"},
    "consent": {"action": "consent:yes"},
    "menu": {"action": "m:new"},
    "resume": {"action": "resume:continue"},
    "kind": {"action": "kind:3.3"},
    "topic": {"action": "cat:lighting"},
    "text": {"action": "done"},
    "location": {"action": "skip"},
    "profile": {"action": "profile:use"},
    "name": {"text": "Шевченко Тарас Григорович"},
    "residence": {"text": "м. Луцьк, вул. Лесі Українки, 35"},
    "phone": {"text": "050 123 45 67"},
    "email": {"action": "skip"},
    "options": {"action": "opt:done"},
    "coauthors": {"text": "5"},
    "category": {"action": "priv:7.1"},
    "summary": {"action": SUBMIT},
    "edit": {"action": "back"},
    "discard": {"action": BACK},
    "my_list": {"action": "m:menu"},
    "my_appeal": {"action": "m:menu"},
    "add_info": {"text": "Ще одна важлива деталь."},
    "withdraw": {"action": "back"},
    "unresolved_kind": {"action": "again:complaint"},
    "unresolved_text": {"text": "Проблему не вирішено, ліхтарі досі не світять."},
}
STAFF_SCRIPT = (
    "/queue",
    "/appeal Ш-1",
    "/assign Ш-1 zhkh 15",
    "/assign Ш-2 zhkh 30",
    "/take Ш-1",
    "/answer Ш-1",
    "Відповідь на звернення.",
    "/appeal Ш-2",
    "/note Ш-2 службова примітка",
    "/extend Ш-2 20.12.2026 потрібна перевірка",
    "/forward Ш-3 Обласна адміністрація; інше",
    "/stats",
    "/due",
    "/overdue",
)
TEXTS = st.one_of(
    st.text(max_size=200),
    st.text(min_size=3900, max_size=4200, alphabet="ab ц\n"),
    st.sampled_from(
        [
            "Шевченко Тарас Григорович",
            "м. Луцьк, вул. Лесі Українки, 35",
            "050 123 45 67",
            "name@example.com",
            "12",
            "Iван Petrenko Ivanovych",
            "😀😀😀",
            "\x00\x1f",
            "   ",
            "Ліхтарі не світять біля будинку вже другий тиждень.",
            "Готово",
            "Done",
            "Skip",
        ]
    ),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with departments and staff, copied for every example."""
    path = tmp_path_factory.mktemp("fuzz") / "template.db"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        async with unit_of_work(create_sessionmaker(engine)) as uow:
            await uow.departments.sync(load_departments(ROOT / "config" / "departments.toml"))
            now = datetime(2026, 12, 1, tzinfo=UTC)
            zhkh = await uow.departments.by_code("zhkh")
            assert zhkh is not None
            for user, role, department in (
                ("operator", "operator", None),
                ("executor", "executor", zhkh.id),
            ):
                _, person = await uow.people.account("fuzz", user, now)
                await uow.staff.set_role(person.id, role, department)
        await engine.dispose()

    asyncio.run(build())
    return path


class ConversationMachine(RuleBasedStateMachine):
    template: Path
    workdir: Path

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.path = self.workdir / f"fuzz-{id(self)}.db"
        shutil.copyfile(self.template, self.path)
        self.engine = create_engine(f"sqlite+aiosqlite:///{self.path}")
        self.sessions = create_sessionmaker(self.engine)
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
        self.files_sent = 0
        self.conversation = Conversation(
            self.sessions, ConversationConfig(), CATALOGS, clock=lambda: self.now
        )
        self.last: dict[str, list[Reply]] = {}

    def send(self, user: str, **values: Any) -> None:
        incoming = Incoming(channel="fuzz", external_user_id=user, locale_hint="uk", **values)
        replies = self.loop.run_until_complete(self.conversation.handle(incoming))
        assert replies, f"no answer to {values!r}"
        assert all(isinstance(r.text, str) and r.text for r in replies)
        self.last[user] = replies

    def step_of(self, user: str) -> str:
        async def read() -> str:
            async with unit_of_work(self.sessions) as uow:
                account, _ = await uow.people.account("fuzz", user, self.now)
                state = await uow.conversations.load(account.id)
                return state.step if state else "menu"

        return self.loop.run_until_complete(read())

    @rule(user=st.sampled_from(USERS[:2]), steps=st.integers(1, 6))
    def a_citizen_goes_on_as_asked(self, user: str, steps: int) -> None:
        """Random input alone rarely gets far: this takes the expected next step, so that the
        random rules also land in the deeper states."""
        for _ in range(steps):
            values = GOOD_INPUT.get(self.step_of(user), {"text": "/new"})
            if values.get("action") == "done" and self.step_of(user) == "text":
                self.send(user, text="Ліхтарі не світять біля будинку вже другий тиждень.")
            self.send(user, **values)

    @rule(user=st.sampled_from(USERS[2:]), command=st.sampled_from(STAFF_SCRIPT))
    def staff_work(self, user: str, command: str) -> None:
        while (step := self.step_of(user)) in ("language", "consent"):
            self.send(user, **GOOD_INPUT[step])
        self.send(user, text=command)
        buttons = [b for r in self.last[user] for b in r.buttons]
        if buttons:
            self.send(user, action=buttons[0].action)

    @rule(user=st.sampled_from(USERS), text=TEXTS)
    def text(self, user: str, text: str) -> None:
        self.send(user, text=text)

    @rule(user=st.sampled_from(USERS), action=st.sampled_from(ACTIONS))
    def press(self, user: str, action: str) -> None:
        self.send(user, action=action)

    @rule(user=st.sampled_from(USERS), data=st.data())
    def tap_a_shown_button(self, user: str, data: st.DataObject) -> None:
        buttons = [b for r in self.last.get(user, []) for b in r.buttons]
        if buttons:
            self.send(user, action=data.draw(st.sampled_from(buttons)).action)
        else:
            self.send(user, text="/start")

    @rule(user=st.sampled_from(USERS), command=st.sampled_from(COMMANDS))
    def command(self, user: str, command: str) -> None:
        self.send(user, text=command)

    @rule(
        user=st.sampled_from(USERS),
        phone=st.text(max_size=20) | st.just("+380501234567"),
        own=st.booleans(),
    )
    def contact(self, user: str, phone: str, own: bool) -> None:
        self.send(user, contact=Contact(phone, own))

    @rule(user=st.sampled_from(USERS), lat=st.floats(-200, 200), lon=st.floats(-400, 400))
    def location(self, user: str, lat: float, lon: float) -> None:
        self.send(user, location=Location(lat, lon))

    @rule(
        user=st.sampled_from(USERS),
        problem=st.sampled_from([None, "too_large", "type", "empty", "unreadable"]),
        text=st.none() | st.text(max_size=50),
    )
    def file(self, user: str, problem: str | None, text: str | None) -> None:
        # A store never hands out a key twice; two files in one second once shared one here.
        self.files_sent += 1
        key = None if problem else f"k{self.now.timestamp():.0f}-{self.files_sent}"
        self.send(user, files=(IncomingFile("f.jpg", "image/jpeg", 10, key, problem),), text=text)

    @rule(
        user=st.sampled_from(USERS),
        what=st.sampled_from(["sticker", "voice", "video", "poll", "dice", "weird"]),
    )
    def unsupported(self, user: str, what: str) -> None:
        self.send(user, unsupported=what)

    @rule(days=st.integers(0, 20))
    def time_passes(self, days: int) -> None:
        self.now += timedelta(days=days, minutes=7)

    @invariant()
    def the_register_is_consistent(self) -> None:
        async def check() -> None:
            async with self.sessions() as session:
                appeals = (await session.scalars(select(Appeal))).all()
                numbers = [(a.year, a.number) for a in appeals]
                assert len(numbers) == len(set(numbers))
                for appeal in appeals:
                    assert appeal.status in {s.value for s in Status}
                    assert appeal.received_on <= appeal.due_on
                    if (appeal.due_on - appeal.received_on).days > 45:
                        # Art. 20: only an appeal assigned after its term ran out is due later
                        # (that day: a date in the past is never set), and it is marked late.
                        events = (
                            await session.scalars(
                                select(AppealEvent.data).where(
                                    AppealEvent.appeal_id == appeal.id,
                                    AppealEvent.kind == "assigned",
                                )
                            )
                        ).all()
                        assert any(data.get("late") for data in events), appeal.reg_index
                    registered = await session.scalar(
                        select(func.count())
                        .select_from(AppealEvent)
                        .where(
                            AppealEvent.appeal_id == appeal.id, AppealEvent.kind == "registered"
                        )
                    )
                    assert registered == 1
                steps = (await session.scalars(select(ConversationState.step))).all()
                assert set(steps) <= set(STEPS)

        self.loop.run_until_complete(check())

    def teardown(self) -> None:
        self.loop.run_until_complete(self.engine.dispose())
        self.loop.close()


CATALOGS = Catalogs()


def test_random_events_in_every_state(template: Path, tmp_path: Path) -> None:
    ConversationMachine.template = template
    ConversationMachine.workdir = tmp_path
    runner = ConversationMachine.TestCase
    runner.settings = settings(
        max_examples=25,
        stateful_step_count=80,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    runner().runTest()
