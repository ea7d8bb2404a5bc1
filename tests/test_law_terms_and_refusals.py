"""The law, article by article, as an operator and a citizen meet it: due dates that never go
back (Art. 20), the closed list of Art. 8 checked as the law has it, Art. 7 part 4 and Art. 15
on where an appeal may go, and an answer that stays in the chat once rated."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.conversation import Conversation
from reception.classifier import AUTHOR_CATEGORIES
from reception.deadlines import (
    DayOffRule,
    ExtensionProblem,
    WorkCalendar,
    complaint_is_late,
    extension_target,
    latest_due_by,
)
from storage.models import Appeal, AppealEvent
from tests.desk_kit import SIGNATORY, action_of, make_staff, outbox_for
from tests.harness import Chat, Clock, file_appeal, onboard

Desk = tuple[Chat, Chat]


@pytest.fixture
async def desk(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession], chat: Chat
) -> Desk:
    operator = Chat(conversation, "operator-1")
    executor = Chat(conversation, "executor-zhkh")
    await make_staff(operator, sessions, "operator")
    await make_staff(executor, sessions, "executor", "zhkh")
    await onboard(chat)
    return operator, executor


async def answered_and_approved(operator: Chat, executor: Chat, index: str) -> None:
    await executor.send(f"/answer {index}")
    await executor.send("The lights were repaired.")
    await executor.tap("Done")
    await executor.tap("resolved positively")
    if "Who signs the answer?" in executor.text:
        await executor.send(SIGNATORY)
    await executor.tap("Send the answer")
    await operator.send(f"/approve {index}")


async def due_on(sessions: async_sessionmaker[AsyncSession], index: str) -> date:
    async with sessions() as session:
        found = await session.scalar(select(Appeal.due_on).where(Appeal.reg_index == index))
    assert found is not None
    return found


# --- Art. 20: dates that never go back ---------------------------------------------------------


async def test_art20_reassign_keeps_extension(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, _ = desk
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh 15")
    assert "due by 16 December 2026" in operator.text
    await operator.send("/extend Ш-1 14.01.2027 an on-site inspection is needed")
    assert "extended to 14 January 2027" in operator.text
    await operator.send("/assign Ш-1 social 15")
    assert "the answer is due by 14 January 2027" in operator.text
    assert await due_on(sessions, "Ш-1") == date(2027, 1, 14)
    await operator.send("/overdue")
    assert "Ш-1" not in operator.text


async def test_art20_a_reassignment_with_a_shorter_term_keeps_the_date_told(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, _ = desk
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh 30")
    assert "due by 1 January 2027" in operator.text, operator.text
    await operator.send("/assign Ш-1 social 15")
    assert "the answer is due by 1 January 2027" in operator.text, operator.text
    assert await due_on(sessions, "Ш-1") == date(2027, 1, 1)
    told = [
        str(m["text"])
        for m in await outbox_for(sessions, chat.user)
        if "has been sent for consideration" in str(m["text"])
    ]
    assert len(told) == 2
    assert all("due by 1 January 2027" in text for text in told), told


async def test_art20_a_late_assignment_never_sets_a_date_in_the_past(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    operator, _ = desk
    await file_appeal(chat)
    clock.advance(days=24)  # 25 December: the 15-day term ended on 16 December
    await operator.send("/assign Ш-1 zhkh 15")
    assert "the answer is due by 25 December 2026" in operator.text
    assert "the term under the law ended on 16 December 2026" in operator.text
    told = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "25 December 2026" in told
    assert "16 December" not in told
    assert await due_on(sessions, "Ш-1") == date(2026, 12, 25)
    async with sessions() as session:
        event = await session.scalar(select(AppealEvent).where(AppealEvent.kind == "assigned"))
    assert event is not None
    assert event.data["late"] is True


async def test_art20_an_extension_to_a_day_off_follows_the_calendar(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, _ = desk
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh 15")
    await operator.send("/extend Ш-1 10.01.2027 an on-site inspection is needed")  # a Sunday
    assert "10 January 2027 is a day off, so the term ends on 8 January 2027" in operator.text
    assert await due_on(sessions, "Ш-1") == date(2027, 1, 8)
    told = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "extended to 8 January 2027" in told


def test_art20_the_45_day_cap_follows_the_day_off_setting() -> None:
    received = date(2026, 11, 26)  # + 45 days = Sunday 10 January 2027
    back = WorkCalendar(day_off_rule=DayOffRule.PREVIOUS_WORKING_DAY)
    on = WorkCalendar(day_off_rule=DayOffRule.NEXT_WORKING_DAY)
    plain = WorkCalendar(day_off_rule=DayOffRule.CALENDAR)
    assert latest_due_by(received, back) == date(2027, 1, 8)
    assert latest_due_by(received, on) == date(2027, 1, 11)
    assert latest_due_by(received, plain) == date(2027, 1, 10)
    today, current = date(2026, 12, 1), date(2026, 12, 26)
    # The Sunday cap itself: moved back to Friday under the default; refused nowhere.
    assert extension_target(received, current, date(2027, 1, 10), today, back) == (
        date(2027, 1, 8),
        None,
    )
    assert extension_target(received, current, date(2027, 1, 11), today, back)[1] is (
        ExtensionProblem.PAST_MAXIMUM
    )
    assert extension_target(received, current, date(2027, 1, 10), today, on) == (
        date(2027, 1, 11),
        None,
    )


async def test_art20_an_after_hours_receipt_date_is_explained(
    desk: Desk, chat: Chat, clock: Clock, sessions: async_sessionmaker[AsyncSession]
) -> None:
    clock.now = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)  # 20:30 in Kyiv, a Tuesday
    await file_appeal(chat)
    assert "Date of receipt: 2 December 2026" in chat.text
    assert (
        "Your appeal arrived after working hours, so it is registered as received on "
        "2 December 2026, the next working day." in chat.text
    )
    # An answer sent that same evening is not dated before the receipt.
    operator, executor = desk
    await operator.send("/assign Ш-1 zhkh")
    await answered_and_approved(operator, executor, "Ш-1")
    answer = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "Outgoing No. Ш-1 of 2 December 2026" in answer


async def test_art20_a_receipt_in_working_hours_needs_no_explanation(
    desk: Desk, chat: Chat
) -> None:
    await file_appeal(chat)
    assert "Date of receipt: 1 December 2026" in chat.text
    assert "after working hours" not in chat.text


async def test_art20_a_closed_appeal_shows_its_closing_date_not_a_due_date(
    desk: Desk, chat: Chat, clock: Clock
) -> None:
    operator, _ = desk
    await file_appeal(chat)
    clock.advance(days=2)
    await operator.send("/reject Ш-1 incapable")
    await operator.send("/appeal Ш-1")
    assert "Closed: 3 December 2026" in operator.text
    assert "Due by" not in operator.text
    await operator.send("/find Шевченко")
    assert "Ш-1 · Complaint · not considered · closed 3 December 2026" in operator.text
    await chat.send("/my")
    assert "Ш-1 · Complaint · not considered · closed 3 December 2026" in chat.text
    await chat.tap("Ш-1")
    assert "Closed: 3 December 2026" in chat.text
    assert "Due by" not in chat.text


# --- Art. 8: the closed list, as the law has it ------------------------------------------------


async def test_art8_repeated_names_an_earlier_appeal_of_the_same_author_resolved_on_the_merits(
    desk: Desk,
    chat: Chat,
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    operator, executor = desk
    other = Chat(conversation, "citizen-2")
    await onboard(other)
    await file_appeal(chat)  # Ш-1
    await file_appeal(other, name="Коваль Катерина Іванівна")  # К-2
    await file_appeal(chat)  # Ш-3
    await operator.send("/reject Ш-3 repeated")
    assert "Name the earlier appeal of the same author" in operator.text
    await operator.send("/reject Ш-3 repeated К-2")
    assert "К-2 is not an earlier appeal of the same author" in operator.text
    await operator.send("/reject Ш-3 repeated Ш-1")
    assert "Ш-1 was not resolved on the merits" in operator.text
    await operator.send("/assign Ш-1 zhkh")
    await answered_and_approved(operator, executor, "Ш-1")
    await operator.send("/reject Ш-3 repeated Ш-1 the same street lights")
    assert "Appeal Ш-3 will not be considered" in operator.text
    await operator.send("/appeal Ш-3")
    assert "Repeated; the earlier appeal: Ш-1" in operator.text
    assert "the earlier appeal Ш-1" in operator.text
    told = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "a repeated appeal on an issue already resolved on the merits" in told
    assert "The earlier appeal: Ш-1." in told
    async with sessions() as session:
        first, _, third = (await session.scalars(select(Appeal).order_by(Appeal.id))).all()
    assert (third.status, third.parent_id) == ("not_considered", first.id)


async def test_art8_late_only_for_a_complaint_past_the_art17_term(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, _ = desk
    await file_appeal(chat, kind="Proposal")  # Ш-1
    await file_appeal(chat)  # Ш-2, a complaint received on 1 December 2026
    await operator.send("/reject Ш-1 late 01.01.2026")
    assert "Only a complaint can be left unconsidered as filed late" in operator.text
    await operator.send("/reject Ш-2 late")
    assert "Give the date the author learned of the decision" in operator.text
    await operator.send("/reject Ш-2 late 05.11.2026")
    assert "filed within the terms of Art. 17: a month from 5 November 2026" in operator.text
    await operator.send("/reject Ш-2 late 30.09.2026")
    assert "Appeal Ш-2 will not be considered" in operator.text
    texts = [str(m["text"]) for m in await outbox_for(sessions, chat.user)]
    refusals = [t for t in texts if "will not be considered" in t]
    assert len(refusals) == 1
    assert "Ш-2" in refusals[0]
    assert "the complaint was filed after the terms of Art. 17" in refusals[0]
    assert not any("Ш-1" in t and "complaint" in t for t in texts)
    assert complaint_is_late(date(2026, 12, 1), date(2026, 10, 31))
    assert not complaint_is_late(date(2026, 12, 1), date(2026, 11, 1))
    assert complaint_is_late(date(2026, 12, 1), date(2026, 11, 20), decided=date(2025, 11, 30))


async def test_art17_a_complaint_more_than_a_year_after_the_decision_is_late(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, _ = desk
    await file_appeal(chat)  # Ш-1, a complaint received on 1 December 2026
    # Learned of it ten days ago: within a month; the decision's day is given too.
    await operator.send("/reject Ш-1 late 20.11.2026 15.10.2026")
    assert "within the terms of Art. 17: a month from 20 November 2026" in operator.text
    assert "also within a year of the decision of 15 October 2026" in operator.text
    await operator.send("/reject Ш-1 late 20.11.2026 21.11.2026")
    assert "The decision cannot be dated after the day the author learned of it." in (
        operator.text
    )
    # The decision was taken more than a year ago: late, however recently the author learned.
    await operator.send("/reject Ш-1 late 20.11.2026 30.11.2025 more than a year has passed")
    assert "Appeal Ш-1 will not be considered" in operator.text, operator.text
    async with sessions() as session:
        event = await session.scalar(
            select(AppealEvent).where(AppealEvent.kind == "not_considered")
        )
    assert event is not None
    assert (event.data["learned"], event.data["decided"], event.text) == (
        "2026-11-20",
        "2025-11-30",
        "more than a year has passed",
    )
    told = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "the complaint was filed after the terms of Art. 17" in told


async def test_art8_the_decision_records_who_decided_on_the_heads_authority(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, _ = desk
    await file_appeal(chat)
    await operator.send("/reject Ш-1 anonymous")
    await operator.send("/appeal Ш-1")
    assert "operator · not considered" in operator.text
    assert "on the authority of Луцький міський голова" in operator.text
    told = (await outbox_for(sessions, chat.user))[-1]["text"]
    assert "The decision is taken on the authority of the Mayor of Lutsk." in told
    async with sessions() as session:
        event = await session.scalar(
            select(AppealEvent).where(AppealEvent.kind == "not_considered")
        )
    assert event is not None
    assert (event.actor_role, event.data["authority"]) == ("operator", "Луцький міський голова")


# --- Art. 7 part 4 and Art. 15: where an appeal may go ----------------------------------------


async def test_art7_part4_a_complaint_goes_to_the_contested_body_only_when_confirmed(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, executor = desk
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh")
    await answered_and_approved(operator, executor, "Ш-1")
    answer = (await outbox_for(sessions, chat.user))[-1]
    await chat.press(action_of(answer, "not solved"))
    await chat.tap("Complaint about the answer")
    await chat.send("Only two of the five lights work.")  # Ш-2, a complaint about zhkh's answer

    await operator.send("/assign Ш-2 zhkh")
    assert "Art. 7 part 4 of the Law forbids" in operator.text
    assert "/assign Ш-2 zhkh 30 confirm" in operator.text
    async with sessions() as session:
        second = await session.scalar(select(Appeal).where(Appeal.reg_index == "Ш-2"))
    assert second is not None
    assert second.status == "registered"

    # From the card's buttons the same rule asks for a confirmation.
    await operator.send("/appeal Ш-2")
    await operator.tap("Assign")
    await operator.tap("Housing and Communal")
    await operator.tap("One month")
    assert "Assign it anyway?" in operator.text
    assert "/assign" not in operator.last.text  # the buttons confirm, no command to type
    await operator.tap("Assign anyway")
    assert "Appeal Ш-2 is assigned to Department of Housing and Communal Services" in (
        operator.text
    )
    await operator.send("/appeal Ш-2")
    assert "Assigned, on confirmation, to the body whose decision the complaint contests" in (
        operator.text
    )
    await operator.send("/assign Ш-2 social")
    assert "is assigned to Department of Social Policy" in operator.text


async def test_art15_the_heads_categories_are_flagged_and_go_to_the_heads_office(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, _ = desk
    await file_appeal(chat)
    hero = next(c.code for c in AUTHOR_CATEGORIES if c.head_considers)
    async with sessions() as session, session.begin():
        # As the citizen's privileges step records it.
        await session.execute(update(Appeal).values(privileged=True, author_category=hero))
    await operator.send("/queue")
    assert "★ [the head, Art. 15] Ш-1" in operator.text
    await operator.send("/appeal Ш-1")
    assert "Art. 15: the author is among those whose appeals the city's head considers" in (
        operator.text
    )
    await operator.tap("Assign")
    assert operator.buttons[0].startswith("Department “Administrative Services Centre")
    await operator.send("/assign Ш-1 zhkh")
    assert "the city's head considers personally (Art. 15)" in operator.text
    assert "head's office (cnap)" in operator.text
    await operator.send("/assign Ш-1 cnap")
    assert "Appeal Ш-1 is assigned to Department “Administrative Services Centre" in (
        operator.text
    )


async def test_art7_part4_merge_into_the_contested_bodys_appeal_only_when_confirmed(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession], conversation: Conversation
) -> None:
    operator, executor = desk
    neighbour = Chat(conversation, "citizen-2")
    await onboard(neighbour)
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh")
    await answered_and_approved(operator, executor, "Ш-1")
    await file_appeal(neighbour, name="Коваль Катерина Іванівна")  # К-2
    await operator.send("/assign К-2 zhkh")
    answer = (await outbox_for(sessions, chat.user))[-1]
    await chat.press(action_of(answer, "not solved"))
    await chat.tap("Complaint about the answer")
    await chat.send("Only two of the five lights work.")  # Ш-3, a complaint about zhkh

    await operator.send("/merge Ш-3 К-2")
    assert "Art. 7 part 4 of the Law forbids" in operator.text, operator.text
    assert "/merge Ш-3 К-2 confirm" in operator.text
    async with sessions() as session:
        complaint = await session.scalar(select(Appeal).where(Appeal.reg_index == "Ш-3"))
    assert complaint is not None
    assert (complaint.status, complaint.joined_to_id) == ("registered", None)

    await operator.send("/merge Ш-3 К-2 confirm")
    assert "Appeal Ш-3 is joined to К-2" in operator.text
    await operator.send("/appeal Ш-3")
    assert "Assigned, on confirmation, to the body whose decision the complaint contests" in (
        operator.text
    )


async def test_art15_a_heros_appeal_is_not_merged_past_the_heads_office_silently(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession], conversation: Conversation
) -> None:
    operator, _ = desk
    neighbour = Chat(conversation, "citizen-2")
    await onboard(neighbour)
    await file_appeal(neighbour, name="Коваль Катерина Іванівна")  # К-1
    await operator.send("/assign К-1 zhkh")
    await file_appeal(chat)  # Ш-2
    async with sessions() as session, session.begin():
        await session.execute(
            update(Appeal)
            .where(Appeal.reg_index == "Ш-2")
            .values(privileged=True, author_category="7.16")
        )
    await operator.send("/merge Ш-2 К-1")
    assert "the city's head considers personally (Art. 15)" in operator.text, operator.text
    assert "/merge Ш-2 К-1 confirm" in operator.text
    async with sessions() as session:
        hero = await session.scalar(select(Appeal).where(Appeal.reg_index == "Ш-2"))
    assert hero is not None
    assert (hero.status, hero.department_id) == ("registered", None)

    # The warning's own button joins it on purpose, and the card keeps the mark.
    await operator.tap("Join anyway")
    assert "Appeal Ш-2 is joined to К-1" in operator.text
    await operator.send("/appeal Ш-2")
    assert "past the head's office although the city's head considers" in operator.text


# --- The answer stays in the chat ---------------------------------------------------------------


async def test_the_answer_stays_when_rated_and_an_unrated_close_is_told(
    desk: Desk, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, executor = desk
    await file_appeal(chat)
    await operator.send("/assign Ш-1 zhkh")
    await answered_and_approved(operator, executor, "Ш-1")
    answer = (await outbox_for(sessions, chat.user))[-1]
    replies = await chat.press(action_of(answer, "5"))
    thanks = replies[-1]
    assert "Thank you for your rating." in thanks.text
    # The reply does not replace the answer: a channel only drops the rating buttons.
    assert thanks.detaches_buttons
    assert not thanks.replaces_prompt
