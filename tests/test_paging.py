"""A day's appeals do not fit one message: staff lists and a citizen's /my turn pages."""

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.conversation import Conversation
from storage.models import Appeal
from tests.desk_kit import make_staff
from tests.harness import Chat, file_appeal, onboard


async def copies_of_the_appeal(sessions: async_sessionmaker[AsyncSession], count: int) -> None:
    """`count` more appeals like the one filed, numbered on (faster than filing each)."""
    async with sessions() as session, session.begin():
        original = (await session.scalars(select(Appeal).where(Appeal.number == 1))).one()
        columns = {
            c.key: getattr(original, c.key) for c in Appeal.__table__.columns if c.key != "id"
        }
        first = int(await session.scalar(select(func.max(Appeal.number))) or 1) + 1
        for number in range(first, first + count):
            session.add(
                Appeal(
                    **{
                        **columns,
                        "reg_index": f"Ш-{number}",
                        "number": number,
                        "draft_key": f"copy-{number}",
                    }
                )
            )


async def test_an_operator_pages_through_60_queued_appeals(
    conversation: Conversation, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    await onboard(chat)
    await file_appeal(chat)
    await copies_of_the_appeal(sessions, 59)
    await operator.send("/queue")
    assert "Page 1 of 3 · 60 appeals in all" in operator.text
    assert "Ш-1 ·" in operator.text
    assert "Ш-21 ·" not in operator.text
    assert "◀ Previous" not in operator.buttons
    await operator.tap("Next ▶")
    assert "Page 2 of 3" in operator.text
    assert "Ш-21 ·" in operator.text
    assert "Ш-1 ·" not in operator.text
    await operator.tap("Next ▶")
    assert "Page 3 of 3" in operator.text
    assert "Ш-60 ·" in operator.text
    assert "Next ▶" not in operator.buttons
    await operator.tap("◀ Previous")
    assert "Page 2 of 3" in operator.text
    await operator.tap("Ш-33")  # a card opens from any page
    assert "Ш-33" in operator.text
    await operator.send("/find Lesi Ukrainky")
    assert "Page 1 of 3 · 60 appeals in all" in operator.text
    await operator.tap("Next ▶")  # the words searched are remembered for the next page
    assert "Found:" in operator.text
    assert "Page 2 of 3" in operator.text


async def test_a_citizen_pages_through_their_appeals_and_a_citizen_cannot_turn_staff_lists(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await copies_of_the_appeal(sessions, 14)
    await chat.send("/my")
    assert "Page 1 of 2 · 15 appeals in all" in chat.text
    await chat.tap("Next ▶")
    assert "Page 2 of 2" in chat.text
    await chat.press("pg:queue:0")  # forged: a staff list
    assert "Awaiting triage" not in chat.text


async def test_an_operator_finds_appeals_by_address_and_around_a_shared_place(
    conversation: Conversation, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    await onboard(chat)
    await file_appeal(chat)
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Roads and potholes")
    await chat.send("A deep pothole in the middle of the road near the bus stop.")
    await chat.tap("Done")
    await chat.send("вул. Рівненська, 12")
    await chat.tap("Yes, use them")
    await chat.tap("Continue")
    await chat.tap("Submit")
    await copies_of_the_appeal(sessions, 1)  # Ш-3, a copy of Ш-1
    async with sessions() as session, session.begin():
        await session.execute(
            update(Appeal)
            .where(Appeal.reg_index == "Ш-2")
            .values(latitude=50.7472, longitude=25.3254)
        )
        await session.execute(
            update(Appeal)
            .where(Appeal.reg_index == "Ш-3")
            .values(latitude=50.7600, longitude=25.3500)  # about 2 km away
        )
    await operator.send("/find рівненська")
    assert "Ш-2 ·" in operator.text
    assert "Ш-3 ·" not in operator.text
    await operator.share_location(50.7480, 25.3260)  # some 100 m from Ш-2
    assert "within about 300 m" in operator.text
    assert "Ш-2 ·" in operator.text
    assert "Ш-3 ·" not in operator.text
