"""CNAP operators and executive-body staff work an appeal's whole life from the bot."""

import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.conversation import Conversation
from storage.models import Appeal, AppealEvent, Department, Person
from tests.desk_kit import SIGNATORY, action_of, answer, emails, make_staff, outbox_for
from tests.harness import Chat, Clock, file_appeal, onboard


@pytest.fixture
def operator(conversation: Conversation) -> Chat:
    return Chat(conversation, "operator-1")


@pytest.fixture
def executor(conversation: Conversation) -> Chat:
    return Chat(conversation, "executor-zhkh")


@pytest.fixture
async def desk(
    chat: Chat, operator: Chat, executor: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await make_staff(operator, sessions, "operator")
    await make_staff(executor, sessions, "executor", "zhkh")
    async with sessions() as session, session.begin():
        await session.execute(
            update(Department)
            .where(Department.code == "zhkh")
            .values(email="zhkh@lutsk.example.org", email_is_placeholder=False)
        )
    await onboard(chat)


async def test_a_whole_life_of_an_appeal_from_the_desk(
    desk: None,
    chat: Chat,
    operator: Chat,
    executor: Chat,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    await file_appeal(chat)
    announced = await outbox_for(sessions, operator.user)
    assert "New appeal Ш-1: Complaint, 009 Communal services." in announced[-1]["text"]

    await operator.send("/queue")
    assert "Ш-1 · Complaint · registered" in operator.text
    await operator.tap("Ш-1")
    assert "Author: Шевченко Тарас Григорович" in operator.text
    assert "Phone: +380501234567" in operator.text
    await operator.send("/assign Ш-1 zhkh 15")
    assert "Appeal Ш-1 is assigned to Department of Housing and Communal Services" in (
        operator.text
    )
    assert "the answer is due by 16 December 2026" in operator.text

    told = await outbox_for(sessions, chat.user)
    assert (
        "has been sent for consideration to Department of Housing and Communal Services"
        in (told[-1]["text"])
    )
    assert "16 December 2026" in told[-1]["text"]
    mail = await emails(sessions)
    assert [m.recipient for m in mail] == ["zhkh@lutsk.example.org"]
    assert "Шевченко Тарас Григорович" in mail[0].payload["body"]
    assert "Ш-1" in mail[0].payload["subject"]
    assert (
        "is assigned to your department" in (await outbox_for(sessions, executor.user))[-1]["text"]
    )

    await executor.send("/take Ш-1")
    assert "You have taken appeal Ш-1" in executor.text
    await executor.send("/answer Ш-1")
    await executor.send("The street lights were repaired on 3 December.")
    await executor.tap("Done")
    await executor.tap("resolved positively")
    await executor.send(SIGNATORY)
    assert "The street lights were repaired on 3 December." in executor.text
    await executor.tap("Send the answer")
    assert "The answer to appeal Ш-1 is sent to the citizens' appeals department" in (
        executor.text
    )
    await operator.send("/approve Ш-1")
    assert "The answer to appeal Ш-1 is approved and sent to the citizen." in operator.text

    answer = (await outbox_for(sessions, chat.user))[-1]
    assert "The street lights were repaired on 3 December." in answer["text"]
    assert "Result: resolved positively" in answer["text"]
    await chat.press(action_of(answer, "not solved"))
    await chat.tap("Complaint about the answer")
    await chat.send("Only two of the five lights work; the rest are still dark.")
    assert "Registration index: Ш-2" in chat.text

    await operator.send("/queue")
    assert "Ш-2 · Complaint · registered" in operator.text
    await operator.send("/appeal Ш-2")
    assert "Repeated; the earlier appeal: Ш-1" in operator.text
    async with sessions() as session:
        first, second = (await session.scalars(select(Appeal).order_by(Appeal.id))).all()
        actors = {e.kind: e.actor_role for e in await session.scalars(select(AppealEvent))}
    assert first.status == "closed"
    assert second.parent_id == first.id
    assert second.receipt_sign == "2.2"
    assert actors["assigned"] == "operator"
    assert actors["answered"] == "executor"


async def test_a_citizen_rates_the_answer_and_the_appeal_is_closed(
    desk: None,
    chat: Chat,
    operator: Chat,
    executor: Chat,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh")
    await executor.send("/answer Ш-1")
    await executor.send("Explained in detail.")
    await executor.tap("Done")
    await executor.tap("explained")
    await executor.send(SIGNATORY)
    await executor.tap("Send the answer")
    await operator.send("/approve Ш-1")
    answer = (await outbox_for(sessions, chat.user))[-1]
    await chat.press(action_of(answer, "5"))
    assert "Thank you for your rating." in chat.text
    await chat.press(action_of(answer, "4"))
    assert "That button belongs to an earlier message" in chat.text
    async with sessions() as session:
        appeal = (await session.scalars(select(Appeal))).one()
    assert (appeal.status, appeal.rating, appeal.result) == ("closed", 5, "9.3")


async def test_an_operator_closes_an_answer_the_citizen_never_rated(
    desk: None,
    chat: Chat,
    operator: Chat,
    executor: Chat,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await file_appeal(chat)
    await operator.send("/close Ш-1")
    assert "Appeal Ш-1 is registered now, so this cannot be done." in operator.text
    await operator.send("/assign Ш-1 zhkh")
    await executor.send("/close Ш-1")
    assert "Your role does not allow this." in executor.text
    await executor.send("/answer Ш-1")
    await executor.send("Explained in detail.")
    await executor.tap("Done")
    await executor.tap("explained")
    await executor.send(SIGNATORY)
    await executor.tap("Send the answer")
    await operator.send("/approve Ш-1")
    answer = (await outbox_for(sessions, chat.user))[-1]
    await operator.send("/close Ш-1")
    assert "Appeal Ш-1 is closed; the citizen is told." in operator.text
    told = (await outbox_for(sessions, chat.user))[-1]
    assert told["kind"] == "citizen:closed"
    assert "Ш-1" in told["text"]
    # The rating buttons of the answer are stale now: nothing changes.
    await chat.press(action_of(answer, "5"))
    async with sessions() as session:
        appeal = (await session.scalars(select(Appeal))).one()
        closed = await session.scalar(select(AppealEvent).where(AppealEvent.kind == "closed"))
    assert (appeal.status, appeal.rating) == ("closed", None)
    assert closed is not None
    assert closed.actor_role == "operator"
    assert (closed.from_status, closed.to_status) == ("answered", "closed")


async def test_article_10_hides_the_author_from_the_executor_and_the_email(
    desk: None,
    chat: Chat,
    operator: Chat,
    executor: Chat,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await file_appeal(chat, submit=False)
    await chat.tap("Change something")
    await chat.tap("Options")
    await chat.tap("Confidential")
    await chat.tap("Continue")
    await chat.tap("Submit")
    await operator.send("/appeal Ш-1")
    assert "Шевченко" in operator.text
    await operator.send("/assign Ш-1 zhkh")
    await executor.send("/appeal Ш-1")
    assert "Author: hidden at the author's request (Art. 10)" in executor.text
    assert "Шевченко" not in executor.text
    assert "+380501234567" not in executor.text
    assert "Лесі Українки, 35, кв. 2" not in executor.text
    body = (await emails(sessions))[0].payload["body"]
    assert "Шевченко" not in body
    assert "приховано на прохання автора (ст. 10)" in body  # the mailbox reads Ukrainian


async def test_extensions_respect_45_days_and_tell_the_citizen(
    desk: None,
    chat: Chat,
    operator: Chat,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await file_appeal(chat)
    await operator.send("/extend Ш-1 20.01.2027 inspection needed")
    assert "may be extended to 15 January 2027 at the latest" in operator.text
    await operator.send("/extend Ш-1 15.01.2027 an on-site inspection is needed")
    assert "extended to 15 January 2027" in operator.text
    told = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "extended to 15 January 2027. Reason: an on-site inspection is needed" in told
    await operator.send("/extend Ш-1 10.01.2027 shorter")
    assert "must be later than the current one" in operator.text


async def test_forward_return_reject_and_notes(
    desk: None,
    chat: Chat,
    operator: Chat,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    for _ in range(3):
        await file_appeal(chat)
    await operator.send("/note Ш-1 called the author, he will send photos")
    assert "the citizen does not see it" in operator.text
    await chat.send("/my")
    await chat.tap("Ш-1")
    assert "called the author" not in chat.text
    clock.advance(days=6)
    await operator.send("/forward Ш-1 Volyn Regional State Administration; regional roads")
    assert "forwarded to Volyn Regional State Administration" in operator.text
    assert "the 5-day term for forwarding has passed" in operator.text
    await operator.send("/return Ш-2 the text does not say which street is meant")
    assert "returned to the author" in operator.text
    assert "has passed" not in operator.text  # Art. 5: 10 days, 6 have passed
    await operator.send("/reject Ш-3 sometimes")
    assert "Usage: /reject INDEX anonymous|repeated EARLIER|late" in operator.text
    await operator.send("/appeal Ш-3")
    await operator.tap("Not to consider")
    await operator.tap("declared incapable")
    await operator.tap("Skip")
    assert "will not be considered" in operator.text
    texts = [m["text"] for m in await outbox_for(sessions, chat.user)]
    assert any("forwarded to Volyn Regional State Administration" in t for t in texts)
    assert any("returned to you with an explanation: the text does not say" in t for t in texts)
    assert any("declared incapable by a court" in t for t in texts)
    await operator.send("/assign Ш-1 zhkh")
    assert "is forwarded to the competent body now, so this cannot be done" in operator.text or (
        "cannot be done" in operator.text
    )


async def test_assign_from_buttons_puts_the_topics_department_first(
    desk: None,
    chat: Chat,
    operator: Chat,
) -> None:
    await file_appeal(chat)
    await operator.send("/appeal Ш-1")
    await operator.tap("Assign")
    assert operator.buttons[0] == "Department of Housing and Communal Services"
    await operator.tap("Department of Housing and Communal Services")
    await operator.tap("One month")
    assert "the answer is due by 1 January 2027" in operator.text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/appeal", "Usage: /appeal INDEX"),
        ("/appeal Ж-999", "There is no appeal Ж-999 among those you can see."),
        # Only an index: the rest is asked with the card's buttons and prompts.
        ("/assign Ш-1", "Which department should consider appeal Ш-1?"),
        ("/assign Ш-1 zhkh 20", "Usage: /assign"),
        ("/assign Ш-1 nosuch", "There is no department nosuch. The codes are: cnap, zhkh"),
        ("/extend Ш-1 tomorrow please", "Usage: /extend INDEX DD.MM.YYYY REASON"),
        ("/forward Ш-1 somewhere", "Usage: /forward INDEX BODY; REASON"),
        ("/return Ш-1", "Why does appeal Ш-1 go back to its author?"),
        ("/return Ш-1 art7", "Usage: /return INDEX [art7] REASON"),
        ("/note Ш-1", "Type the internal note"),
        ("/find", "Usage: /find TEXT, PHONE or NAME"),
        ("/invite", "Your role does not allow this."),
        ("/join nonsense", "Usage: /join CODE"),
    ],
)
async def test_wrong_arguments_get_one_line_of_usage(
    desk: None, chat: Chat, operator: Chat, typed: str, expected: str
) -> None:
    await file_appeal(chat)
    await operator.send(typed)
    assert expected in operator.text
    assert "Traceback" not in operator.text


async def test_find_by_name_phone_and_words(desk: None, chat: Chat, operator: Chat) -> None:
    await file_appeal(chat)
    for term in ("шевченко", "+380501234567", "LIGHTS", "Ш-1"):
        await operator.send(f"/find {term}")
        assert "Ш-1 · Complaint" in operator.text, term
    await operator.send("/find nothing-like-this")
    assert "Nothing here." in operator.text


async def test_due_overdue_and_stats(desk: None, chat: Chat, operator: Chat, clock: Clock) -> None:
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh 15")
    clock.advance(days=13)
    await operator.send("/due")
    assert "Ш-1" in operator.text
    clock.advance(days=5)
    await operator.send("/overdue")
    assert "Ш-1" in operator.text
    await operator.send("/stats")
    assert "sent to the responsible body: 1" in operator.text
    assert "Overdue now: 1" in operator.text


async def test_invitation_codes_work_once_and_for_24_hours(
    chat: Chat,
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    admin = Chat(conversation, "admin-1")
    await make_staff(admin, sessions, "admin")
    await admin.send("/invite executor zhkh")
    code = admin.text.split("new executor: ")[1].split()[0]
    newcomer = Chat(conversation, "newcomer")
    await onboard(newcomer)
    await newcomer.send(f"/join {code}")
    assert "Welcome to the reception's staff." in newcomer.text
    assert "You work in the reception as: executor." in newcomer.text
    await onboard(chat)
    await chat.send(f"/join {code}")
    assert "not valid or has expired" in chat.text
    await admin.send("/invite operator")
    late_code = admin.text.split("new operator: ")[1].split()[0]
    clock.advance(hours=25)
    await chat.send(f"/join {late_code}")
    assert "not valid or has expired" in chat.text
    async with sessions() as session:
        roles = {p.id: p.role for p in await session.scalars(select(Person))}
    assert sorted(roles.values()) == ["admin", "citizen", "executor"]


async def test_a_citizen_typing_staff_commands_learns_nothing(
    desk: None, chat: Chat, other_chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await file_appeal(chat)
    await onboard(other_chat)
    for command in (
        "/queue",
        "/appeal Ш-1",
        "/assign Ш-1 zhkh",
        "/find Шевченко",
        "/stats",
        "/invite operator",
        "/answer Ш-1",
        "/note Ш-1 hi",
    ):
        await other_chat.send(command)
        assert other_chat.text == "What would you like to do?", command
        assert other_chat.buttons == ["New appeal", "My appeals", "Help"]
    async with sessions() as session:
        events = (await session.scalars(select(AppealEvent))).all()
    assert [e.kind for e in events] == ["registered"]


async def test_a_return_for_lacking_data_has_5_days(
    desk: None,
    chat: Chat,
    operator: Chat,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    await file_appeal(chat)
    clock.advance(days=6)
    await operator.send("/return Ш-1 art7 please name the street and the house")
    assert "Appeal Ш-1 is returned to the author." in operator.text
    # Received Tuesday 1 December; 5 days end on Sunday the 6th, so Friday the 4th.
    assert "Note: the term for a return (4 December 2026) has passed." in operator.text
    told = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "returned to you with an explanation: please name the street and the house" in told
    async with sessions() as session:
        event = (
            await session.scalars(select(AppealEvent).where(AppealEvent.kind == "returned"))
        ).one()
    assert event.data == {"late": True, "ground": "art7"}


async def test_a_return_asks_its_ground_with_buttons_in_ukrainian_words(
    desk: None, chat: Chat, operator: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await file_appeal(chat)
    await file_appeal(chat)
    await operator.send("/lang")
    await operator.tap("Українська")
    await operator.send("/повернути Ш-1")
    assert "Чому звернення Ш-1 повертається авторові?" in operator.text
    assert not re.search(r"[A-Za-z]", operator.text + "".join(operator.buttons))
    await operator.tap("Бракує відомостей")
    assert "Введіть пояснення для автора" in operator.text
    assert not re.search(r"[A-Za-z]", operator.text)
    await operator.send("зазначте, будь ласка, номер будинку")
    assert "Звернення Ш-1 повернуто авторові." in operator.text
    # The card's button asks the same; the other ground is Art. 5's.
    await operator.send("/звернення Ш-2")
    await operator.tap("Повернути")
    await operator.tap("Не відповідає ст. 5")
    await operator.send("не зазначено місце проживання")
    async with sessions() as session:
        events = (
            await session.scalars(
                select(AppealEvent).where(AppealEvent.kind == "returned").order_by(AppealEvent.id)
            )
        ).all()
    assert [(e.text, e.data["ground"]) for e in events] == [
        ("зазначте, будь ласка, номер будинку", "art7"),
        ("не зазначено місце проживання", "art5"),
    ]
    # The typed form still works.
    await file_appeal(chat)
    await operator.send("/повернути Ш-3 ст7 назвіть вулицю")
    assert "Звернення Ш-3 повернуто авторові." in operator.text


LATIN_COMMAND = re.compile(r"/[A-Za-z]")


async def test_ukrainian_staff_texts_name_the_ukrainian_commands_and_each_works(
    desk: None,
    chat: Chat,
    operator: Chat,
    executor: Chat,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def status_of(index: str) -> str | None:
        async with sessions() as session:
            return await session.scalar(select(Appeal.status).where(Appeal.reg_index == index))

    for _ in range(4):
        await file_appeal(chat)
    await operator.send("/lang")
    await operator.tap("Українська")
    await operator.send("/призначити Ш-1 zhkh 15")
    await answer(executor, "Ш-1", "resolved positively")
    notice = (await outbox_for(sessions, operator.user))[-1]["text"]
    assert "/доопрацювати Ш-1 ПРИЧИНА" in notice
    assert not LATIN_COMMAND.search(notice), notice
    await operator.send("/доопрацювати Ш-1 бракує підстав")
    assert await status_of("Ш-1") != "answered"
    await answer(executor, "Ш-1", "resolved positively")
    assert "/схвалити Ш-1" in (await outbox_for(sessions, operator.user))[-1]["text"]
    await operator.send("/схвалити Ш-1")
    assert "погоджено й надіслано" in operator.text

    await operator.send("/нерозглядати Ш-2 пропущено")
    assert "/нерозглядати Ш-2 пропущено ДД.ММ.РРРР" in operator.text
    assert not LATIN_COMMAND.search(operator.text)
    await operator.send("/нерозглядати Ш-2 пропущено 01.01.2025")
    assert await status_of("Ш-2") == "not_considered"
    await operator.send("/нерозглядати Ш-3 повторне")
    assert "/нерозглядати Ш-3 повторне ІНДЕКС-ПОПЕРЕДНЬОГО" in operator.text
    assert not LATIN_COMMAND.search(operator.text)
    await operator.send("/нерозглядати Ш-3 повторне Ш-1")
    assert await status_of("Ш-3") == "not_considered"

    await operator.send("/призначити Ш-4 zhkh 15")
    await executor.send("/lang")
    await executor.tap("Українська")
    await executor.send("/взяти Ш-4")
    assert "/відповісти Ш-4" in executor.text
    assert not LATIN_COMMAND.search(executor.text)
    await executor.send("/відповісти Ш-4")
    assert await status_of("Ш-4") == "in_progress"
    await operator.send("/довідка")
    assert "«·»" not in operator.text


async def test_staff_type_ukrainian_command_words_and_choose_the_rest_with_buttons(
    desk: None, chat: Chat, operator: Chat
) -> None:
    await file_appeal(chat)
    await operator.send("/черга")
    assert "Ш-1 · Complaint · registered" in operator.text
    await operator.send("/призначити Ш-1")
    assert "Which department should consider appeal Ш-1?" in operator.text
    await operator.tap("Department of Housing")
    await operator.tap("15")
    assert "Appeal Ш-1 is assigned to Department of Housing and Communal Services" in (
        operator.text
    )
    await operator.send("/статистика тиждень")
    assert "In all: 1" in operator.text
    await operator.send("/help")
    assert "/queue — appeals waiting for you · /черга" in operator.text
    await chat.send("/мої")  # the citizen's commands have Ukrainian words too
    assert "Ш-1" in chat.text


async def test_the_ukrainian_staff_help_has_no_latin_and_its_words_work(
    desk: None, chat: Chat, operator: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async def status_of(index: str) -> str | None:
        async with sessions() as session:
            return await session.scalar(select(Appeal.status).where(Appeal.reg_index == index))

    await file_appeal(chat)
    await file_appeal(chat)
    await operator.send("/lang")
    await operator.tap("Українська")
    await operator.send("/help")
    staff_part = operator.text[operator.text.index("Ваша роль у приймальні") :]
    latin = [line for line in staff_part.splitlines() if re.search(r"[A-Za-z]", line)]
    assert not latin, latin
    assert "/призначити ІНДЕКС — передати виконавчому органу" in staff_part
    await operator.send("/нерозглядати Ш-1 анонімне")
    assert "Ш-1" in operator.text
    assert await status_of("Ш-1") == "not_considered"
    await operator.send("/призначити Ш-2 zhkh 15 підтвердити")
    assert await status_of("Ш-2") == "assigned"
    await operator.send("/приховати Ш-2")
    await operator.send("/приховати Ш-2 показати")
    assert "знову" in operator.text, operator.text


async def test_a_department_keeps_answer_templates(
    desk: None, operator: Chat, executor: Chat
) -> None:
    await executor.send("/templates")
    assert "There are no answer templates yet" in executor.text
    await executor.send(
        "/шаблони додати Street lights: The lights on your street were repaired on {date}."
    )
    assert "“Street lights” is added" in executor.text
    await executor.send("/templates")
    assert "Street lights — The lights on your street were repaired" in executor.text
    number = executor.text.splitlines()[1].split(".")[0]
    await operator.send(f"/templates delete {number}")  # another department's: not theirs
    await executor.send("/templates")
    assert "Street lights" in executor.text
    await executor.send(f"/templates delete {number}")
    assert "is deleted" in executor.text


async def test_an_executor_answers_from_a_template_and_every_message_is_acknowledged(
    desk: None, chat: Chat, operator: Chat, executor: Chat
) -> None:
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh")
    await executor.send("/templates add Lights repaired: The street lights were repaired.")
    await executor.send("/answer Ш-1")
    assert "Or start from a template of your department:" in executor.text
    await executor.tap("Lights repaired")
    assert "The street lights were repaired." in executor.text
    await executor.send("The crew also replaced two poles.")
    assert "Added to the answer." in executor.text
    assert "The answer has 67 characters so far." in executor.text
    await executor.tap("Done")
    await executor.tap("resolved positively")
    await executor.send(SIGNATORY)
    assert "The street lights were repaired.\n\nThe crew also replaced two poles." in executor.text
