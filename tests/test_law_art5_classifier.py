"""Issue 13 (part B): Art. 5 for everyone, Classifier 858's codes, /classify, /register and
everyone told of a citizen's supplement or withdrawal (Art. 18)."""

from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.conversation import Conversation
from handlers.types import IncomingFile
from reception.validation import ResidenceProblem, check_residence
from storage.models import Appeal, AppealEvent, Department, OutboxMessage, Person
from tests.desk_kit import emails, make_staff, outbox_for, register_by_phone
from tests.harness import LIGHTING, Chat, file_appeal, onboard


async def the_appeal(sessions: async_sessionmaker[AsyncSession]) -> Appeal:
    async with sessions() as session:
        found = (await session.scalars(select(Appeal).order_by(Appeal.id.desc()))).first()
    assert found is not None
    return found


async def events_of(sessions: async_sessionmaker[AsyncSession], kind: str) -> list[AppealEvent]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(AppealEvent).where(AppealEvent.kind == kind).order_by(AppealEvent.id)
            )
        )


async def up_to_the_name(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/new")
    await chat.tap("Application")
    await chat.tap("Street lighting")
    await chat.send(LIGHTING)
    await chat.tap("Done")
    await chat.tap("Skip")


# --- Art. 5 ------------------------------------------------------------------------------------


async def test_art5_a_latin_name_without_patronymic_and_no_phone_answer_here(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Art. 5: the patronymic "if any"; the chat is a lawful contact for an electronic appeal."""
    await up_to_the_name(chat)
    await chat.send("Smith John")
    assert "place of residence" in chat.text
    await chat.send("м. Луцьк, вул. Лесі Українки, 35")
    assert "Answer me here" in chat.buttons
    await chat.tap("Answer me here")
    assert "the answer will come here in the chat" in chat.text
    await chat.tap("Skip")  # no e-mail either
    await chat.tap("Continue")
    assert "Author: Smith John" in chat.text
    assert "Phone: not given: the answer comes here in the chat" in chat.text
    await chat.tap("Submit")
    assert "Registration index: S-1" in chat.text
    appeal = await the_appeal(sessions)
    assert (appeal.surname, appeal.given_name, appeal.patronymic) == ("Smith", "John", "")
    assert appeal.phone == ""
    # The saved details are offered next time, though there is no phone.
    await chat.send("/new")
    await chat.tap("Application")
    await chat.tap("Street lighting")
    await chat.send(LIGHTING)
    await chat.tap("Done")
    await chat.tap("Skip")
    assert "Yes, use them" in chat.buttons
    assert "no phone: the answer comes here in the chat" in chat.text


async def test_art5_a_foreign_phone_is_accepted(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await up_to_the_name(chat)
    await chat.send("Kowalski Jan")
    await chat.send("Луцьк, вул. Шевченка, 5")
    await chat.send("+48 512 345 678")
    assert "The phone number is saved: +48512345678" in chat.text
    await chat.tap("Skip")
    await chat.tap("Continue")
    await chat.tap("Submit")
    assert (await the_appeal(sessions)).phone == "+48512345678"


async def test_art5_a_settlement_alone_is_asked_again_kindly_and_kept(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await up_to_the_name(chat)
    await chat.send("Шевченко Тарас Григорович")
    await chat.send("Луцьк")
    assert "We have kept “Луцьк”: please send the street, house and flat." in chat.text
    assert "place of residence" in chat.text  # the same question again
    await chat.send("вул. Лесі Українки, 35, кв. 2")
    assert chat.asked() is not None  # on to the phone
    await chat.send("050 123 45 67")
    await chat.tap("Skip")
    await chat.tap("Continue")
    assert "Place of residence: Луцьк, вул. Лесі Українки, 35, кв. 2" in chat.text
    await chat.tap("Submit")
    assert (await the_appeal(sessions)).residence == "Луцьк, вул. Лесі Українки, 35, кв. 2"


@pytest.mark.parametrize(
    ("typed", "street"),
    [
        ("Луцьк Україна", "вул. Лесі Українки, 35"),
        ("Lutsk Ukraine", "12 Lesi Ukrainky St"),
        ("м. Луцьк, Волинська обл.", "Шевченка, 5"),
    ],
)
async def test_art5_a_residence_without_a_street_is_asked_again_kindly(
    chat: Chat, sessions: async_sessionmaker[AsyncSession], typed: str, street: str
) -> None:
    await up_to_the_name(chat)
    await chat.send("Шевченко Тарас Григорович")
    await chat.send(typed)
    assert f"We have kept “{typed}”: please send the street, house and flat." in chat.text
    await chat.send(street)
    assert chat.asked() is not None  # on to the phone
    await chat.send("050 123 45 67")
    await chat.tap("Skip")
    await chat.tap("Continue")
    await chat.tap("Submit")
    assert (await the_appeal(sessions)).residence == f"{typed}, {street}"


def test_art5_a_residence_names_a_settlement_and_a_street() -> None:
    refused = [
        "Луцьк Україна",
        "Lutsk Ukraine",
        "м. Луцьк, Волинська обл.",
        "м. Луцьк, Волинська обл., 35",
        "Луцьк, Волинська область, Україна",
        "м. Луцьк, 35",
        "Volyn oblast, Lutsk, 5",
    ]
    accepted = [
        "м. Луцьк, вул. Лесі Українки, 35, кв. 2",
        "Луцьк, Шевченка 5",
        "Луцьк, вулиця Шевченка",
        "12 Lesi Ukrainky St, Lutsk",  # Latin letters are a place too
        "Lutsk, Shevchenka 5",
        "Warszawa, ul. Marszałkowska 10",
        "с. Боратин, Луцький р-н, буд. 12",  # a village without streets
    ]
    assert [a for a in refused if check_residence(a) is not ResidenceProblem.NO_STREET] == []
    assert [a for a in accepted if check_residence(a) != a] == []


async def test_art5_collective_coauthors_by_name_are_shown_to_staff_not_to_the_executor(
    chat: Chat,
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    operator = Chat(conversation, "operator-1")
    executor = Chat(conversation, "executor-1")
    await make_staff(operator, sessions, "operator")
    await make_staff(executor, sessions, "executor", "zhkh")
    await onboard(chat)
    await file_appeal(chat, submit=False)
    await chat.tap("Change something")
    await chat.tap("Options")
    await chat.tap("Collective")
    await chat.send("3")
    await chat.send("Коваль Іван Петрович\nSmith John\nТретій Зайвий Петрович")
    assert "Please type from 1 to 2 names" in chat.text
    await chat.send("Коваль Іван Петрович\nSmith John")
    await chat.tap("Confidential")
    await chat.tap("Continue")
    await chat.tap("Submit")
    assert "Registration index: КО-1" in chat.text
    await operator.send("/appeal КО-1")
    assert "Co-authors: Коваль Іван Петрович\nSmith John" in operator.text
    await operator.send("/assign КО-1 zhkh 30")
    await executor.send("/appeal КО-1")
    assert "Co-authors: hidden at the author's request (Art. 10)" in executor.text
    assert "Коваль" not in executor.text


# --- Classifier 858 ----------------------------------------------------------------------------


async def test_classifier_858_electronic_appeals_are_filed_under_1_1(
    chat: Chat, conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    await onboard(chat)
    await file_appeal(chat)
    appeal = await the_appeal(sessions)
    assert (appeal.receipt_form, appeal.receipt_sign) == ("1.1", "2.1")
    await operator.send("/appeal Ш-1")
    assert "Receipt: 1.1 by post (e-mail, electronic); 2.1 first" in operator.text


async def test_classifier_858_classify_corrects_codes_with_buttons_each_an_event(
    chat: Chat, conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    executor = Chat(conversation, "executor-1")
    await make_staff(operator, sessions, "operator")
    await make_staff(executor, sessions, "executor", "zhkh")
    await onboard(chat)
    await file_appeal(chat)
    await operator.send("/classify Ш-1")
    assert "Classification of appeal Ш-1:" in operator.text
    assert "Receipt form (1.x): 1.1 by post (e-mail, electronic)" in operator.text
    await operator.tap("Receipt form")
    await operator.tap("1.2 at a personal reception")
    assert "Appeal Ш-1: Receipt form (1.x) is now 1.2 at a personal reception." in operator.text
    await operator.tap("Receipt sign")
    await operator.tap("2.2 repeated")
    await operator.tap("Author category")
    await operator.tap("7.16 Hero of Ukraine")
    await operator.tap("Kind")
    await operator.tap("3.2 Application")
    await operator.tap("Topic")
    await operator.tap("010 Housing")
    await operator.tap("Done")
    assert "History:" in operator.text  # back at the card
    appeal = await the_appeal(sessions)
    assert (appeal.receipt_form, appeal.receipt_sign) == ("1.2", "2.2")
    assert (appeal.author_category, appeal.privileged) == ("7.16", True)
    assert (appeal.kind, appeal.topic) == ("3.2", "010")
    changed = await events_of(sessions, "reclassified")
    assert [e.data["field"] for e in changed] == ["form", "sign", "category", "kind", "topic"]
    assert changed[0].data == {"field": "form", "from": "1.1", "to": "1.2"}
    assert all(e.actor_role == "operator" for e in changed)
    assert "reclassified: form: 1.1 → 1.2" in operator.text
    # The typed form, and the same value twice changes nothing.
    await operator.send("/classify Ш-1 form 1.1")
    assert "Receipt form (1.x) is now 1.1" in operator.text
    await operator.send("/classify Ш-1 form 1.1")
    assert "Nothing changed" in operator.text
    await operator.send("/classify Ш-1 form 9.9")
    assert "Usage: /classify INDEX" in operator.text
    assert len(await events_of(sessions, "reclassified")) == 6
    # An executor may not reclassify.
    await operator.send("/assign Ш-1 zhkh 30")
    await executor.send("/classify Ш-1 form 1.2")
    assert "Your role does not allow this." in executor.text
    await executor.send("/appeal Ш-1")
    assert "Classify" not in executor.buttons


def as_at_0007(**values: object) -> Any:
    """An appeal row as the schema of revision 0007 holds it: only these columns, whatever
    the models have gained since (their defaults would name columns not there yet)."""
    from sqlalchemy import column, insert, table

    return insert(table("appeals", *(column(name) for name in values))).values(**values)


async def test_classifier_858_migration_rewrites_the_old_codes(database_url: str) -> None:
    """Stored 1.6 and the old 7.x numbering mean something else in the classifier: migration
    0008 rewrites them, each appeal's change an event row."""
    from datetime import UTC, date, datetime

    from sqlalchemy import insert

    from storage.db import create_engine
    from storage.migrate import upgrade

    engine = create_engine(database_url)
    now = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    try:
        await upgrade(engine, "0007")
        async with engine.begin() as connection:
            person = (
                await connection.execute(
                    insert(Person)
                    .values(role="citizen", created_at=now, updated_at=now)
                    .returning(Person.id)
                )
            ).scalar_one()
            for number, category in ((1, "7.9"), (2, "7.1"), (3, "7.11"), (4, None)):
                await connection.execute(
                    as_at_0007(
                        reg_index=f"Ш-{number}",
                        year=2026,
                        number=number,
                        draft_key=f"k{number}",
                        author_id=person,
                        kind="3.2",
                        subject="5.1",
                        coauthors=1,
                        receipt_form="1.6",
                        receipt_sign="2.1",
                        topic="009",
                        text="text",
                        surname="Шевченко",
                        given_name="Тарас",
                        patronymic="Григорович",
                        residence="Луцьк, вул. Лесі Українки, 35",
                        phone="+380501234567",
                        confidential=False,
                        privileged=category is not None,
                        author_category=category,
                        channel="telegram",
                        locale="uk",
                        status="registered",
                        term="30",
                        submitted_at=now,
                        received_on=date(2026, 11, 1),
                        due_on=date(2026, 12, 1),
                        search_text="",
                        search_public="",
                        updated_at=now,
                    )
                )
        await upgrade(engine, "head")
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(Appeal.number, Appeal.receipt_form, Appeal.author_category).order_by(
                        Appeal.number
                    )
                )
            ).all()
            changes = (
                await connection.execute(
                    select(AppealEvent.kind).where(AppealEvent.kind == "reclassified")
                )
            ).all()
    finally:
        await engine.dispose()
    # 7.9 (Heroes) → 7.16 Hero of Ukraine; 7.1 (combat veteran) → 7.5; 7.11 (displaced, not in
    # the classifier) → none.
    assert [tuple(r) for r in rows] == [
        (1, "1.1", "7.16"),
        (2, "1.1", "7.5"),
        (3, "1.1", None),
        (4, "1.1", None),
    ]
    assert len(changes) == 4


# --- /register ---------------------------------------------------------------------------------


async def test_register_an_appeal_by_phone_the_citizen_follows_it_in_telegram(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    # The citizen once shared their own contact in Telegram: Telegram vouches for the number.
    citizen = Chat(conversation, "555", channel="telegram")
    await up_to_the_name(citizen)
    await citizen.send("Петренко Олена Іванівна")
    await citizen.send("Луцьк, вул. Шевченка, 5")
    await citizen.share_contact("+380671234567", own=True)
    await citizen.send("/cancel")

    await register_by_phone(operator, "067 123 45 67")
    assert "Appeal П-1 is registered for Петренко Олена Іванівна" in operator.text
    assert "will follow it there" in operator.text
    appeal = await the_appeal(sessions)
    assert (appeal.receipt_form, appeal.channel) == ("1.2", "phone")
    registered = (await events_of(sessions, "registered"))[-1]
    assert registered.actor_role == "operator"
    assert registered.data == {"on_behalf": "phone"}
    told = await outbox_for(sessions, citizen.user)
    assert "registered the appeal you made by phone, in person or by post" in told[-1]["text"]
    assert "Registration index: П-1" in told[-1]["text"]
    await citizen.send("/my")
    assert "П-1" in citizen.text
    # The operator's own account took nothing of the citizen's.
    async with sessions() as session:
        staff = (await session.scalars(select(Person).where(Person.role == "operator"))).one()
    assert staff.surname is None


async def test_register_a_typed_or_viber_number_joins_no_account(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    # A Viber contact card is just a typed number: it proves nothing.
    viber = Chat(conversation, "viber-1", channel="viber")
    await up_to_the_name(viber)
    await viber.send("Петренко Олена Іванівна")
    await viber.send("Луцьк, вул. Шевченка, 5")
    await viber.share_contact("+380671234567", own=None)  # type: ignore[arg-type]
    await viber.send("/cancel")

    await register_by_phone(operator, "+380671234567")
    assert "has no messenger account with this phone" in operator.text
    appeal = await the_appeal(sessions)
    async with sessions() as session:
        author = await session.get_one(Person, appeal.author_id)
    assert (author.surname, author.phone) == ("Петренко", "+380671234567")
    assert await outbox_for(sessions, viber.user) == []


@pytest.mark.parametrize(("word", "form"), [("post", "1.1"), ("person", "1.2")])
async def test_register_sets_the_receipt_form_by_the_way_in(
    word: str, form: str, conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    await operator.send(f"/register {word}")
    await operator.tap("Proposal")
    await operator.tap("Street lighting")
    await operator.send(LIGHTING)
    await operator.tap("Done")
    await operator.tap("Skip")
    await operator.send("Петренко Олена")
    await operator.send("Луцьк, вул. Шевченка, 5")
    await operator.tap("No phone: answer by post")
    await operator.tap("Skip")
    await operator.tap("Continue")
    await operator.tap("Submit")
    assert "Appeal П-1 is registered for Петренко Олена" in operator.text
    assert (await the_appeal(sessions)).receipt_form == form


# --- Art. 18: everyone told --------------------------------------------------------------------


async def test_art18_a_supplement_and_a_withdrawal_reach_the_executor_and_operators(
    chat: Chat, conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    executor = Chat(conversation, "executor-1")
    await make_staff(operator, sessions, "operator")
    await make_staff(executor, sessions, "executor", "zhkh")
    async with sessions() as session, session.begin():
        await session.execute(
            update(Department)
            .where(Department.code == "zhkh")
            .values(email="zhkh@lutsk.example.org", email_is_placeholder=False)
        )
    await onboard(chat)
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Street lighting")
    await chat.send(LIGHTING)
    await chat.send_files(IncomingFile("lights.jpg", "image/jpeg", 2048, storage_key="abc123"))
    await chat.tap("Done")
    await chat.share_location(50.7472, 25.3254)
    await chat.tap("Continue")
    await chat.send("Шевченко Тарас Григорович")
    await chat.send("м. Луцьк, вул. Лесі Українки, 35")
    await chat.send("050 123 45 67")
    await chat.tap("Skip")
    await chat.tap("Continue")
    await chat.tap("Submit")
    await operator.send("/assign Ш-1 zhkh 30")
    assigned = (await emails(sessions))[-1]
    # The department's e-mail: where the problem is, with a map, and the files.
    assert "openstreetmap.org/?mlat=50.747200&mlon=25.325400" in assigned.payload["body"]
    assert assigned.payload["files"] == [{"key": "abc123", "name": "lights.jpg"}]

    await chat.send("/my")
    await chat.tap("Ш-1")
    await chat.tap("Add information")
    await chat.send("The lamp at house 37 is also broken.")
    for person in (operator, executor):
        told = await outbox_for(sessions, person.user)
        assert "The citizen added information to appeal Ш-1 (0 files)." in told[-1]["text"]
        assert "The lamp at house 37 is also broken." in told[-1]["text"]
    supplement = (await emails(sessions))[-1]
    assert "The lamp at house 37" in supplement.payload["body"]

    await chat.tap("Withdraw the appeal")
    await chat.tap("Yes, withdraw")
    for person in (operator, executor):
        told = await outbox_for(sessions, person.user)
        assert "The citizen withdrew appeal Ш-1" in told[-1]["text"]
    async with sessions() as session:
        mail = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "email:withdrawn")
            )
        )
    assert len(mail) == 1
