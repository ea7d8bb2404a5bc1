"""The CNAP's control of answers (Lutsk's order) and what an answer must carry under Art. 15,
16 and 19: an executor's answer waits on review until an operator approves it or returns it for
rework; a refusal states its grounds and how to appeal it; a complaint's answer is signed by the
head of the body or a deputy; the signatory, outgoing number and date are recorded."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from reception.answers import AnswerProblem, Signatory, answer_problem, parse_signatory
from reception.classifier import Result
from storage.models import Appeal, AppealEvent, Person
from tests.desk_kit import SIGNATORY, make_staff, outbox_for
from tests.harness import Chat, Clock, file_appeal, onboard

Desk = tuple[Chat, Chat]


@pytest.fixture
async def desk(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession], chat: Chat
) -> Desk:
    """A citizen's complaint Ш-1, assigned to the housing department; its executor has taken it."""
    operator = Chat(conversation, "operator-1")
    executor = Chat(conversation, "executor-zhkh")
    await make_staff(operator, sessions, "operator")
    await make_staff(executor, sessions, "executor", "zhkh")
    await onboard(chat)
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh 15")
    await executor.send("/take Ш-1")
    return operator, executor


async def write_answer(executor: Chat, text: str, result: str = "resolved positively") -> None:
    await executor.send("/answer Ш-1")
    await executor.send(text)
    await executor.tap("Done")
    await executor.tap(result)


async def citizen_texts(sessions: async_sessionmaker[AsyncSession], chat: Chat) -> str:
    return "\n".join(str(m["text"]) for m in await outbox_for(sessions, chat.user))


async def test_control_an_answer_waits_on_review_and_is_reworked_then_approved(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, executor = desk
    await write_answer(executor, "The lights were repaired on 3 December.")
    await executor.send(SIGNATORY)
    await executor.tap("Send the answer")
    assert "sent to the citizens' appeals department for review" in executor.text
    assert "repaired on 3 December" not in await citizen_texts(sessions, chat)
    operators_told = await outbox_for(sessions, operator.user)
    assert "The answer to appeal Ш-1 awaits your review" in operators_told[-1]["text"]

    # The citizen sees the appeal in work, not the answer nor the review.
    await chat.send("/my")
    assert "Ш-1 · Complaint · in progress" in chat.text
    await chat.tap("Ш-1")
    assert "repaired on 3 December" not in chat.text

    await operator.send("/review")
    assert "Ш-1 · Complaint · answer on review" in operator.text
    await operator.send("/appeal Ш-1")
    assert "The answer awaiting review:\nThe lights were repaired on 3 December." in operator.text
    assert "Approve and send" in operator.buttons
    assert "Assign" not in operator.buttons
    await operator.tap("Return for rework")
    await operator.send("Say which lights: two of five are still dark.")
    assert "returned to the executor for rework" in operator.text
    told = await outbox_for(sessions, executor.user)
    assert "returned your answer to appeal Ш-1 for rework: Say which lights" in told[-1]["text"]

    # The signatory is remembered: the executor is not asked again.
    await write_answer(executor, "All five lights on the street work since 5 December.")
    assert "Signed: Олена Ковальчук, начальник управління" in executor.text
    await executor.tap("Send the answer")
    assert "All five lights" not in await citizen_texts(sessions, chat)
    await operator.send("/approve Ш-1")
    assert "approved and sent to the citizen" in operator.text

    answer = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "All five lights on the street work since 5 December." in answer
    assert "repaired on 3 December" not in answer
    assert "Signed: Олена Ковальчук, начальник управління" in answer
    assert "Outgoing No. Ш-1 of 1 December 2026" in answer
    await operator.send("/approve Ш-1")
    assert "has no answer awaiting review" in operator.text
    async with sessions() as session:
        appeal = (await session.scalars(select(Appeal))).one()
        kinds = [e.kind for e in await session.scalars(select(AppealEvent))]
    assert (appeal.status, appeal.outgoing_number, appeal.signatory_position) == (
        "answered",
        "Ш-1",
        "начальник управління",
    )
    assert kinds.count("answered") == 2
    assert {"rework", "approved"} <= set(kinds)


async def test_art15_a_refusal_needs_grounds_and_tells_how_to_appeal(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, executor = desk
    await write_answer(executor, "The request cannot be met this year.", "refused")
    assert "State the grounds for the refusal" in executor.text
    await executor.press("done")  # a stale button is not the grounds
    assert "State the grounds for the refusal" in executor.text
    await executor.send("The 2026 budget has no funds for new lighting poles.")
    await executor.send(SIGNATORY)
    assert "Grounds for the refusal: The 2026 budget has no funds" in executor.text
    await executor.tap("Send the answer")
    await operator.send("/approve Ш-1")
    answer = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "Result: refused" in answer
    assert (
        "Grounds for the refusal: The 2026 budget has no funds for new lighting poles." in answer
    )
    assert "a complaint about this decision with the Mayor of Lutsk (Art. 16" in answer
    assert "or go to court" in answer
    # The rule itself, as reception/ has it.
    signatory = Signatory("Олена Ковальчук", "начальник управління")
    assert answer_problem("3.2", Result.REFUSED, " ", signatory) is AnswerProblem.NO_GROUNDS
    assert answer_problem("3.2", Result.EXPLAINED, None, signatory) is None


async def test_art15_the_answer_names_its_body_and_my_appeals_shows_a_refusal_in_full(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, executor = desk
    await write_answer(executor, "The request cannot be met this year.", "refused")
    await executor.send("The 2026 budget has no funds for new lighting poles.")
    await executor.send(SIGNATORY)
    await executor.tap("Send the answer")
    await operator.send("/approve Ш-1")
    answer = (await outbox_for(sessions, chat.user))[-1]["text"]
    signed = (
        "Signed: Олена Ковальчук, начальник управління\n"
        "Executive body: Department of Housing and Communal Services\n"
        "Outgoing No. Ш-1 of 1 December 2026"
    )
    assert signed in answer, answer

    # The citizen's card of the appeal shows the answer as the message did.
    await chat.send("/my")
    await chat.tap("Ш-1")
    card = chat.text
    assert "The request cannot be met this year." in card
    assert "Grounds for the refusal: The 2026 budget has no funds" in card
    assert "a complaint about this decision with the Mayor of Lutsk (Art. 16" in card
    assert signed in card, card


async def test_art15_a_complaint_is_answered_over_the_signature_of_a_head_or_deputy(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    _, executor = desk
    await write_answer(executor, "Repaired.")
    assert "signed by the head of the body or a deputy" in executor.text
    await executor.send("Іван Петренко; головний спеціаліст")
    assert "give such a signatory" in executor.text
    await executor.send("no position here")
    assert "separated by a semicolon" in executor.text
    await executor.send("Іван Петренко; заступник директора департаменту")
    await executor.tap("Send the answer")
    async with sessions() as session:
        person = await session.scalar(select(Person).where(Person.role == "executor"))
    assert person is not None
    assert person.signatory_position == "заступник директора департаменту"
    assert parse_signatory("Olena Kovalchuk, Head of the Department") == Signatory(
        "Olena Kovalchuk", "Head of the Department"
    )


@pytest.mark.parametrize("config", [ConversationConfig(answer_control=False)])
async def test_control_off_the_answer_goes_straight_to_the_citizen_with_its_particulars(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """ANSWER_CONTROL=false: as before, plus the new answer fields."""
    _, executor = desk
    await write_answer(executor, "The lights were repaired on 3 December.")
    await executor.send(SIGNATORY)
    await executor.tap("Send the answer")
    assert "The answer to appeal Ш-1 is sent to the citizen." in executor.text
    answer = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "The lights were repaired on 3 December." in answer
    assert "Signed: Олена Ковальчук, начальник управління" in answer
    assert "Outgoing No. Ш-1 of 1 December 2026" in answer


async def test_control_staff_without_the_right_cannot_review(
    desk: Desk,
) -> None:
    _, executor = desk
    await executor.send("/review")
    assert "Your role does not allow this." in executor.text
    await executor.send("/approve Ш-1")
    assert "Your role does not allow this." in executor.text


async def test_art7_an_after_hours_answer_is_never_dated_before_its_receipt(
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
    chat: Chat,
    clock: Clock,
) -> None:
    """Filed at 20:30 Kyiv on 1 December, the appeal is received on 2 December; answered and
    approved that same evening, the answer is dated 2 December wherever it is shown."""
    operator = Chat(conversation, "operator-1")
    executor = Chat(conversation, "executor-zhkh")
    await make_staff(operator, sessions, "operator")
    await make_staff(executor, sessions, "executor", "zhkh")
    await onboard(chat)
    clock.now = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh")
    await write_answer(executor, "Repaired.")
    await executor.send(SIGNATORY)
    await executor.tap("Send the answer")
    clock.now = datetime(2026, 12, 1, 18, 45, tzinfo=UTC)
    await operator.send("/approve Ш-1")
    answer = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "Outgoing No. Ш-1 of 2 December 2026" in answer

    await chat.send("/my")
    assert "answered 2 December 2026" in chat.text, chat.text
    await chat.tap("Ш-1")
    assert "Received: 2 December 2026" in chat.text
    assert "Answered: 2 December 2026" in chat.text, chat.text
    assert "Answer of 2 December 2026:" in chat.text
    assert "1 December" not in chat.text.split("History:")[0]
    await operator.send("/appeal Ш-1")
    assert "Answered: 2 December 2026" in operator.text, operator.text
    assert "Answer of 2 December 2026:" in operator.text
