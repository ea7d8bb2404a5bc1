"""The citizen's data rights in the bot: /mydata shows everything held; withdrawing consent and
deleting data do what the notice promises; after the retention term appeals are anonymised
while what the law keeps stays."""

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import run_control
from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from handlers.payloads import LinkAnswer, LinkChoice
from handlers.types import IncomingFile
from storage.attachments import AttachmentStore
from storage.models import (
    Appeal,
    AppealEvent,
    Attachment,
    Base,
    Department,
    GuessAttempt,
    LinkCode,
    OutboxMessage,
    Person,
)
from storage.people import REFERENCES
from storage.uow import unit_of_work
from tests.desk_kit import make_staff, outbox_for
from tests.harness import LIGHTING, Chat, Clock, file_appeal, onboard

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "attachments")


@pytest.fixture
def config(store: AttachmentStore) -> ConversationConfig:
    return ConversationConfig(files=store)


def photo(store: AttachmentStore, name: str) -> IncomingFile:
    return IncomingFile(name, "image/jpeg", len(JPEG), storage_key=store.save_bytes(JPEG))


def on_disk(store: AttachmentStore) -> int:
    return sum(1 for path in store.root.rglob("*") if path.is_file())


async def test_the_notice_is_short_with_more_and_a_refusal_says_how_else_to_file(
    chat: Chat,
) -> None:
    await chat.send("/start")
    await chat.tap("English")
    assert "its duty under the Law of Ukraine “On Citizens' Appeals”" in chat.text
    await chat.tap("More")
    for promised in ("Controller:", "health", "location", "messenger account", "5 years"):
        assert promised in chat.text
    await chat.tap("I do not agree")
    assert "in person at the CNAP, or by post" in chat.text
    assert "messenger account, the language you chose and your refusal" in chat.text


async def test_mydata_shows_everything_and_deletion_keeps_only_what_the_law_keeps(
    chat: Chat, store: AttachmentStore, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Street lighting")
    await chat.send_files(photo(store, "pole.jpg"))
    await chat.send("/cancel")
    await chat.send("/mydata")
    text = chat.text
    assert "Шевченко Тарас Григорович" in text
    assert "Ш-1" in text
    assert "street lights near Lesi Ukrainky" in text
    assert "Files: pole.jpg" in text
    assert "Consent given on" in text
    assert "Delete my data" in chat.buttons
    before = on_disk(store)
    await chat.tap("Delete my data")
    await chat.tap("Yes, delete")
    assert "your details, drafts and unregistered files are deleted" in chat.text
    async with sessions() as session:
        person = (await session.scalars(select(Person))).one()
        appeal = (await session.scalars(select(Appeal))).one()
        unlinked = list(
            await session.scalars(select(Attachment).where(Attachment.appeal_id.is_(None)))
        )
    assert (person.surname, person.phone, person.residence) == (None, None, None)
    assert appeal.surname == "Шевченко"  # the registered appeal is kept for the retention term
    assert unlinked == []
    assert on_disk(store) <= before
    await chat.send("/new")  # consent is withdrawn with the data
    assert "I agree" in chat.buttons
    await chat.tap("I agree")
    await chat.send("/mydata")
    assert "Name: not given" in chat.text
    assert "deleted at your request" in chat.text


async def test_withdrawn_consent_stops_new_filing(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/mydata")
    await chat.tap("Withdraw consent")
    assert "Your consent is withdrawn" in chat.text
    await chat.send("/new")
    assert "I agree" in chat.buttons
    await chat.send("/mydata")  # the withdrawal is in the history
    assert "I agree" in chat.buttons


async def test_finished_appeals_are_anonymised_after_the_retention_term(
    chat: Chat,
    other_chat: Chat,
    store: AttachmentStore,
    sessions: async_sessionmaker[AsyncSession],
    config: ConversationConfig,
    catalogs: Catalogs,
    clock: Clock,
    conversation: Conversation,
) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await onboard(other_chat)
    await file_appeal(other_chat, name="Мельник Ганна Петрівна")
    async with sessions() as session, session.begin():
        await session.execute(
            update(Appeal).where(Appeal.reg_index == "М-2").values(status="closed")
        )
    clock.advance(days=365 * 5 + 2)
    done = await run_control(sessions, config, catalogs, clock())
    assert done["anonymise"] == 1
    async with sessions() as session:
        closed = (await session.scalars(select(Appeal).where(Appeal.reg_index == "М-2"))).one()
        still_open = (await session.scalars(select(Appeal).where(Appeal.reg_index == "Ш-1"))).one()
    assert (closed.surname, closed.phone, closed.text, closed.residence) == ("", "", "", "")
    assert (closed.kind, closed.topic, closed.status) == ("3.3", "009", "closed")
    assert closed.anonymised_at is not None
    assert still_open.surname == "Шевченко"  # not finished: the law still needs it


async def test_retention_anonymises_each_appeal_once_and_the_rest_as_they_finish(
    chat: Chat,
    other_chat: Chat,
    sessions: async_sessionmaker[AsyncSession],
    config: ConversationConfig,
    catalogs: Catalogs,
    clock: Clock,
) -> None:
    """The retention scan reads only appeals still carrying personal data (issue 14): one
    anonymised is never touched again, and one still open past the term is anonymised on the
    first pass after it finishes."""
    await onboard(chat)
    await file_appeal(chat)
    await onboard(other_chat)
    await file_appeal(other_chat, name="Мельник Ганна Петрівна")
    async with sessions() as session, session.begin():
        await session.execute(
            update(Appeal).where(Appeal.reg_index == "М-2").values(status="closed")
        )
    clock.advance(days=365 * 5 + 2)
    assert (await run_control(sessions, config, catalogs, clock()))["anonymise"] == 1
    async with sessions() as session:
        first = await session.scalar(select(Appeal.anonymised_at).where(Appeal.reg_index == "М-2"))
    clock.advance(minutes=1)
    assert (await run_control(sessions, config, catalogs, clock()))["anonymise"] == 0
    async with sessions() as session, session.begin():
        assert (
            await session.scalar(select(Appeal.anonymised_at).where(Appeal.reg_index == "М-2"))
            == first
        )
        await session.execute(
            update(Appeal).where(Appeal.reg_index == "Ш-1").values(status="closed")
        )
    clock.advance(minutes=1)
    assert (await run_control(sessions, config, catalogs, clock()))["anonymise"] == 1
    async with sessions() as session:
        rows = (await session.execute(select(Appeal.surname, Appeal.anonymised_at))).all()
    assert [surname for surname, _ in rows] == ["", ""]
    assert all(at is not None for _, at in rows)


async def test_retention_takes_a_batch_a_pass_until_none_is_left(
    chat: Chat,
    other_chat: Chat,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await onboard(other_chat)
    await file_appeal(other_chat, name="Мельник Ганна Петрівна")
    async with sessions() as session, session.begin():
        await session.execute(update(Appeal).values(status="closed"))
    clock.advance(days=365 * 5 + 2)
    day = clock().date()
    done = []
    for _ in range(3):
        async with unit_of_work(sessions) as uow:
            count, _keys = await uow.data_rights.anonymise_received_before(day, clock(), limit=1)
        done.append(count)
    assert done == [1, 1, 0]


async def test_a_citizen_corrects_a_detail_from_mydata_and_bad_input_is_asked_again(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await chat.send("/mydata")
    await chat.tap("Correct my details")
    await chat.tap("Place of residence")
    assert "Now:" in chat.text  # the saved value is shown
    await chat.send("м. Луцьк")
    assert "needs the street and the house" in chat.text  # what was typed is kept
    await chat.send("вул. Рівненська, 5, кв. 7")
    assert "Corrected" in chat.text
    assert "вул. Рівненська, 5, кв. 7" in chat.text
    await chat.tap("Correct my details")
    await chat.tap("Name")
    await chat.send("Шевченко-Мельник Тарас Григорович")
    await chat.tap("Correct my details")
    await chat.tap("Phone")
    await chat.send("123456789")
    assert "valid phone number" in chat.text
    await chat.send("+48 601 234 567")
    await chat.send("/mydata")
    assert "Name: Шевченко-Мельник Тарас Григорович" in chat.text
    assert "+48601234567" in chat.text
    assert chat.text.count("you corrected your details") == 3
    async with sessions() as session:
        appeal = (await session.scalars(select(Appeal))).one()
    # The registered appeal keeps what it was filed with (Instruction 348: a record is not
    # rewritten); the next appeal carries the corrected details.
    assert appeal.surname == "Шевченко"
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Street lighting")
    await chat.send("The heating in our building does not work since Monday.")
    await chat.tap("Done")
    await chat.tap("Skip")
    assert "Шевченко-Мельник Тарас Григорович" in chat.text
    assert "вул. Рівненська" in chat.text


async def test_a_person_cannot_ask_for_link_codes_without_end(chat: Chat) -> None:
    await onboard(chat)
    for _ in range(5):
        await chat.send("/link")
        assert "Your code to link another messenger" in chat.text
    await chat.send("/link")
    assert "many codes within the hour" in chat.text


async def test_throttle_records_and_spent_codes_are_forgotten(
    chat: Chat,
    sessions: async_sessionmaker[AsyncSession],
    config: ConversationConfig,
    catalogs: Catalogs,
    clock: Clock,
) -> None:
    await onboard(chat)
    await chat.send("/link")
    await chat.send("/link ABCD-EFGH")  # a wrong guess: counted per account and per code
    async with sessions() as session:
        assert (
            await session.scalar(select(func.count()).select_from(GuessAttempt)) == 3
        )  # with the request
        assert await session.scalar(select(func.count()).select_from(LinkCode)) == 1
    clock.advance(days=2)
    await run_control(sessions, config, catalogs, clock())
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(GuessAttempt)) == 0
        assert await session.scalar(select(func.count()).select_from(LinkCode)) == 0


def link_code(chat: Chat) -> str:
    found = re.search(r"/link ([A-Z0-9]{4}-[A-Z0-9]{4})", chat.text)
    assert found is not None, chat.text
    return found[1]


async def people_and_authors(
    sessions: async_sessionmaker[AsyncSession],
) -> tuple[int, set[int | None]]:
    async with sessions() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        authors = set((await session.scalars(select(Appeal.author_id))).all())
    return int(people or 0), authors


async def test_a_code_sent_at_someone_s_request_links_nothing_until_confirmed(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    attacker = Chat(conversation, "attacker", channel="telegram")
    await onboard(attacker)
    await attacker.send("/link")
    code = link_code(attacker)
    victim = Chat(conversation, "victim", channel="viber")
    await onboard(victim)
    await file_appeal(victim, name="Мельник Ганна Петрівна")
    await victim.send(f"/link {code}")  # talked into it
    assert "Confirm only if you asked for this code yourself" in victim.text
    assert "never send codes at anyone's request" in victim.text
    assert victim.buttons == ["Yes, link my accounts", "Cancel"]
    people, authors = await people_and_authors(sessions)
    assert people == 2
    (victim_id,) = authors
    await attacker.send("/my")
    await attacker.send("/mydata")
    assert "Мельник" not in attacker.text
    assert "Ш-1" not in attacker.text
    await victim.tap("Cancel")
    assert "nothing is linked, and this code no longer works" in victim.text
    await victim.send(f"/link {code}")
    assert "This code is not valid" in victim.text
    assert await people_and_authors(sessions) == (2, {victim_id})
    await attacker.send("/mydata")
    assert "Мельник" not in attacker.text


async def test_a_confirmed_code_links_and_the_account_that_asked_is_told(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = Chat(conversation, "tg-user", channel="telegram")
    await onboard(first)
    await file_appeal(first)
    await first.send("/link")
    code = link_code(first)
    second = Chat(conversation, "vb-user", channel="viber", locale_hint="en")
    await second.send(f"/link {code}")  # before any screen: a new account
    await second.tap("Yes, link my accounts")
    assert "this messenger is linked to your data" in second.text
    await second.send("/my")
    assert "Ш-1" in second.text
    told = [m for m in await outbox_for(sessions, "tg-user") if m["kind"] == "citizen:linked"]
    assert len(told) == 1
    assert "in Viber is now linked to your data" in told[0]["text"]
    assert "If you did not do this yourself, contact the reception at once" in told[0]["text"]
    await second.press(LinkChoice(LinkAnswer.YES).pack())  # a stale confirmation
    assert "There is no link to confirm" in second.text
    people, authors = await people_and_authors(sessions)
    assert people == 1
    assert len(authors) == 1


def test_a_merge_moves_every_column_that_refers_to_a_person() -> None:
    referring = {
        (fk.parent.table.name, fk.parent.name)
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "persons"
    }
    assert {(c.class_.__tablename__, c.key) for c in REFERENCES} == referring


async def test_after_the_term_an_appeal_points_to_nobody_and_the_outbox_keeps_no_copy(
    chat: Chat,
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
    config: ConversationConfig,
    catalogs: Catalogs,
    clock: Clock,
) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            update(Department)
            .where(Department.code == "zhkh")
            .values(email="zhkh@x.example.org", email_is_placeholder=False)
        )
    await onboard(chat)
    await file_appeal(chat, name="Мельник Ганна Петрівна")
    operator = Chat(conversation, "op")
    await make_staff(operator, sessions, "operator")
    await operator.send("/assign М-1 zhkh")
    async with sessions() as session, session.begin():
        await session.execute(update(Appeal).values(status="closed"))
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.channel == "email").values(status="sent")
        )
        mails = list(await session.scalars(select(OutboxMessage.payload)))
    assert any("Мельник" in str(payload) for payload in mails)  # the e-mail named the author
    clock.advance(days=365 * 5 + 2)
    done = await run_control(sessions, config, catalogs, clock())
    assert done["anonymise"] == 1
    async with sessions() as session:
        appeal = (await session.scalars(select(Appeal))).one()
        citizen = (await session.scalars(select(Person).where(Person.role == "citizen"))).one()
        outbox = [str(p) for p in await session.scalars(select(OutboxMessage.payload))]
        actors = set(await session.scalars(select(AppealEvent.actor_id)))
    assert appeal.author_id is None
    assert citizen.id not in actors
    assert (citizen.surname, citizen.given_name, citizen.residence, citizen.phone) == (
        None,
        None,
        None,
        None,
    )
    assert not [p for p in outbox if "Мельник" in p or LIGHTING[:20] in p]
    await chat.send("/mydata")
    assert "Appeals filed: 0" in chat.text
    assert "М-1" not in chat.text
    assert "Мельник" not in chat.text


async def test_sent_notices_and_files_of_abandoned_drafts_are_deleted_after_their_days(
    chat: Chat,
    conversation: Conversation,
    store: AttachmentStore,
    sessions: async_sessionmaker[AsyncSession],
    config: ConversationConfig,
    catalogs: Catalogs,
    clock: Clock,
) -> None:
    await onboard(chat)
    await file_appeal(chat)
    executor = Chat(conversation, "exec")
    await make_staff(executor, sessions, "executor", "zhkh")
    operator = Chat(conversation, "op")
    await make_staff(operator, sessions, "operator")
    await operator.send("/assign Ш-1 zhkh")  # the executor is told
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Street lighting")
    await chat.send_files(photo(store, "pole.jpg"))
    await chat.send("/cancel")
    async with sessions() as session, session.begin():
        await session.execute(update(OutboxMessage).values(status="sent"))
        sent = set(await session.scalars(select(OutboxMessage.id)))
    assert sent
    clock.advance(days=config.outbox_retention_days - 1)
    await run_control(sessions, config, catalogs, clock())
    assert on_disk(store) == 1
    clock.advance(days=2)
    done = await run_control(sessions, config, catalogs, clock())
    assert done["forget_draft_files"] == 1
    assert on_disk(store) == 0
    async with sessions() as session:
        assert not sent & set(await session.scalars(select(OutboxMessage.id)))
        assert await session.scalar(select(func.count()).select_from(Attachment)) == 0
    await chat.send("/mydata")
    assert "pole.jpg" not in chat.text
    assert "Ш-1" in chat.text  # the registered appeal is kept for its term


async def test_the_notice_promises_what_the_bot_gives_and_mydata_says_where_the_rest_is(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    await chat.send("/start")
    await chat.tap("English")
    await chat.tap("More")
    assert "/mydata shows everything held about you" in chat.text
    assert (
        "To object to the processing, to get a copy of your data or for any other request, "
        "write to the controller: the city council's reception" in chat.text
    )
    await chat.tap("I agree")
    await file_appeal(chat, text="The lamp is broken. " * 30)
    await file_appeal(chat)
    monkeypatch.setattr("handlers.my_data.MAX_LISTED", 1)
    await chat.send("/mydata")
    assert "Appeals filed: 2" in chat.text
    assert "The latest 1 are listed here; /my pages through all of them." in chat.text
    assert "Long texts are shortened here" not in chat.text  # the latest is short
    monkeypatch.setattr("handlers.my_data.MAX_LISTED", 100)
    await chat.send("/mydata")
    assert "Long texts are shortened here (…). For a full copy" in chat.text


async def test_files_go_only_with_a_committed_transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """An erasure or a retention job deletes its files once its rows are gone for good: a
    transaction rolled back keeps the rows, and so must keep their files."""
    done: list[str] = []

    async def failing_step() -> None:
        async with unit_of_work(sessions) as uow:
            uow.after_commit(lambda: done.append("rolled back"))
            raise RuntimeError("the step failed")

    with pytest.raises(RuntimeError):
        await failing_step()
    async with unit_of_work(sessions) as uow:
        uow.after_commit(lambda: done.append("committed"))
    assert done == ["committed"]
