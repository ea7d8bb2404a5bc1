"""Ten neighbours reporting the same dark street are one problem: an operator joins their
appeals, or a citizen joins the open one nearby while filing ("me too"); one answer reaches
every author, each with their own index, due date and rating."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.conversation import Conversation
from storage.models import Appeal
from tests.desk_kit import action_of, answer, make_staff, outbox_for
from tests.harness import LIGHTING, Chat, onboard

#: By the playground on Kravchuka St.; the second report is some 40 m away.
FIRST_PLACE = (50.74723, 25.32541)
NEARBY = (50.74750, 25.32570)
ACROSS_TOWN = (50.76500, 25.34000)
NEIGHBOUR = "Коваль Катерина Іванівна"


async def file_at(
    chat: Chat,
    place: tuple[float, float],
    *,
    name: str = "Шевченко Тарас Григорович",
    me_too: bool | None = None,
    topic: str = "Street lighting",
) -> None:
    """A lighting complaint with a shared location; `me_too` answers the offer to join the
    open appeal nearby (None: no offer is expected)."""
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap(topic)
    await chat.send(LIGHTING)
    await chat.tap("Done")
    await chat.share_location(*place)
    await chat.tap("Continue")
    if me_too is None:
        assert "already reported" not in chat.text, chat.text
    else:
        # The offer comes beside the next question and stops nothing.
        assert "Other residents have already reported a problem like this nearby" in chat.text
        if me_too:
            await chat.tap("Yes, the same")
    if "Yes, use them" in chat.buttons:  # their details are kept from the last time
        await chat.tap("Yes, use them")
    else:
        await chat.send(name)
        await chat.send("м. Луцьк, вул. Кравчука, 11")
        await chat.send("050 123 45 67")
        await chat.tap("Skip")
    await chat.tap("Continue")
    await chat.tap("Submit")
    assert "Your appeal is registered." in chat.text, chat.text


async def desk(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> tuple[Chat, Chat, Chat, Chat]:
    operator = Chat(conversation, "operator-1")
    executor = Chat(conversation, "executor-zhkh")
    await make_staff(operator, sessions, "operator")
    await make_staff(executor, sessions, "executor", "zhkh")
    first, neighbour = Chat(conversation, "citizen-1"), Chat(conversation, "citizen-2")
    await onboard(first)
    await onboard(neighbour)
    await file_at(first, FIRST_PLACE)
    await operator.send("/assign Ш-1 zhkh")
    assert "is assigned to" in operator.text, operator.text
    return operator, executor, first, neighbour


async def appeal(sessions: async_sessionmaker[AsyncSession], index: str) -> Appeal:
    async with sessions() as session:
        found = await session.scalar(select(Appeal).where(Appeal.reg_index == index))
    assert found is not None
    return found


async def answers_to(
    sessions: async_sessionmaker[AsyncSession], chat: Chat, index: str
) -> list[dict[str, object]]:
    return [
        m
        for m in await outbox_for(sessions, chat.user)
        if m["kind"] == "citizen:answered"
        and f"The answer to your appeal {index}" in str(m["text"])
    ]


async def test_an_operator_joins_two_reports_and_one_answer_reaches_both_authors(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, executor, first, neighbour = await desk(conversation, sessions)
    await file_at(neighbour, NEARBY, name=NEIGHBOUR, me_too=False)

    await operator.send("/appeal К-2")
    assert "Possibly the same problem: Ш-1, about 40 m away" in operator.text, operator.text
    await operator.tap("Join to Ш-1")
    assert "Appeal К-2 is joined to Ш-1" in operator.text
    joined = await appeal(sessions, "К-2")
    lead = await appeal(sessions, "Ш-1")
    assert (joined.status, joined.joined_to_id, joined.department_id) == (
        "assigned",
        lead.id,
        lead.department_id,
    )
    told = [m for m in await outbox_for(sessions, neighbour.user) if m["kind"] == "citizen:joined"]
    assert "considered together with other residents' appeals" in str(told[0]["text"])

    await operator.send("/appeal Ш-1")
    assert "Joined to it: К-2" in operator.text
    await executor.send("/answer Ш-1")
    assert "also goes to the author of 1 appeal joined to this one" in executor.text
    await executor.send("/start")
    await answer(executor, "Ш-1", "resolved positively", approver=operator)

    # Each author receives the answer under their own index and outgoing number, and rates it.
    for chat, index, score in ((first, "Ш-1", "4"), (neighbour, "К-2", "5")):
        received = await answers_to(sessions, chat, index)
        assert len(received) == 1, index
        assert "The answer text." in str(received[0]["text"])
        await chat.press(action_of(received[0], score))
    first_card, joined_card = await appeal(sessions, "Ш-1"), await appeal(sessions, "К-2")
    assert (first_card.rating, joined_card.rating) == (4, 5)
    assert (joined_card.outgoing_number, joined_card.answer_text) == ("К-2", "The answer text.")
    assert joined_card.due_on == joined.due_on  # its own term, untouched


async def test_a_citizen_joins_the_open_appeal_nearby_and_learns_nothing_of_its_author(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, executor, first, neighbour = await desk(conversation, sessions)
    await neighbour.send("/new")
    await neighbour.tap("Complaint")
    await neighbour.tap("Street lighting")
    await neighbour.send("Біля дитячого майданчика не світить ліхтар 🔦")
    await neighbour.tap("Done")
    await neighbour.share_location(*NEARBY)
    await neighbour.tap("Continue")
    offer = next(r.text for r in neighbour.replies if "already reported" in r.text)
    assert "Street lighting, about 40 m away" in offer, offer
    assert "Please type your surname" in neighbour.last.text  # filing goes on meanwhile
    # Nothing of the other appeal but what the public page shows: no index, name or text.
    for secret in ("Ш-1", "Шевченко", LIGHTING, "Кравчука"):
        assert secret not in offer
    await neighbour.tap("Yes, the same")
    assert "will be joined to it" in neighbour.text
    await neighbour.send(NEIGHBOUR)
    await neighbour.send("м. Луцьк, вул. Кравчука, 13")
    await neighbour.send("050 765 43 21")
    await neighbour.tap("Skip")
    await neighbour.tap("Continue")
    assert "Joined to the appeal about the same problem nearby: yes" in neighbour.text
    await neighbour.tap("Submit")
    assert "Registration index: К-2" in neighbour.text
    assert "the answer to it will come to you as well" in neighbour.text

    joined, lead = await appeal(sessions, "К-2"), await appeal(sessions, "Ш-1")
    assert (joined.joined_to_id, joined.status, joined.department_id) == (
        lead.id,
        "assigned",
        lead.department_id,
    )
    await answer(executor, "Ш-1", "resolved positively", approver=operator)
    assert len(await answers_to(sessions, neighbour, "К-2")) == 1
    assert len(await answers_to(sessions, first, "Ш-1")) == 1


async def test_no_offer_for_another_place_or_topic_and_no_join_before_triage(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, _executor, first, neighbour = await desk(conversation, sessions)
    await file_at(neighbour, ACROSS_TOWN, name=NEIGHBOUR)
    await file_at(neighbour, NEARBY, name=NEIGHBOUR, topic="Roads and potholes")
    # The citizen's own appeal is not offered back to them.
    await file_at(first, NEARBY)

    await operator.send("/appeal К-2")
    assert "Possibly the same problem" not in operator.text
    # A lead nobody works on yet cannot be joined: it is assigned first.
    await operator.send("/merge Ш-1 К-2")
    assert "К-2 is not being worked on by a department" in operator.text
    await operator.send("/приєднати Ш-4 Ш-1")
    assert "Appeal Ш-4 is joined to Ш-1" in operator.text
    await operator.send("/merge Ш-4 Ш-1")
    assert "already joined" in operator.text
    await operator.send("/merge Ш-4")
    assert "Usage: /merge INDEX EARLIER" in operator.text
    await operator.send("/lang")
    await operator.tap("Українська")
    await operator.send("/приєднати Ш-4 Ш-1")
    assert "Звернення Ш-4 вже приєднано до Ш-1." in operator.text  # refusals are catalogued


async def test_a_lead_forwarded_elsewhere_leaves_its_joined_appeals_for_a_decision(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator, _executor, _first, neighbour = await desk(conversation, sessions)
    await file_at(neighbour, NEARBY, name=NEIGHBOUR, me_too=True)
    await operator.send("/forward Ш-1 Волинська обласна державна адміністрація; not ours")
    assert "Appeals joined to it stay open and need a decision of their own: К-2" in (
        operator.text
    )
    assert (await appeal(sessions, "К-2")).status == "assigned"


async def test_typing_on_past_the_offer_declines_it_and_answers_the_next_question(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    _operator, _executor, _first, neighbour = await desk(conversation, sessions)
    await neighbour.send("/new")
    await neighbour.tap("Complaint")
    await neighbour.tap("Street lighting")
    await neighbour.send(LIGHTING)
    await neighbour.tap("Done")
    await neighbour.share_location(*NEARBY)
    await neighbour.tap("Continue")
    assert "already reported" in neighbour.text
    await neighbour.send(NEIGHBOUR)  # the name, as if no offer had been made
    assert "place of residence" in neighbour.text.lower(), neighbour.text
    await neighbour.send("м. Луцьк, вул. Кравчука, 13")
    await neighbour.send("050 765 43 21")
    await neighbour.tap("Skip")
    await neighbour.tap("Continue")
    await neighbour.tap("Submit")
    joined = await appeal(sessions, "К-2")
    assert (joined.joined_to_id, joined.status) == (None, "registered")


async def test_art15_a_heros_me_too_is_filed_on_its_own_for_the_operators_to_route(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    _operator, _executor, _first, neighbour = await desk(conversation, sessions)
    await neighbour.send("/new")
    await neighbour.tap("Complaint")
    await neighbour.tap("Street lighting")
    await neighbour.send(LIGHTING)
    await neighbour.tap("Done")
    await neighbour.share_location(*NEARBY)
    await neighbour.tap("Continue")
    await neighbour.tap("Yes, the same")
    await neighbour.send(NEIGHBOUR)
    await neighbour.send("м. Луцьк, вул. Кравчука, 13")
    await neighbour.send("050 765 43 21")
    await neighbour.tap("Skip")
    await neighbour.tap("Privileges")
    await neighbour.tap("Hero of Ukraine")
    await neighbour.tap("Continue")
    await neighbour.tap("Submit")
    # The head considers a Hero's appeals personally (Art. 15): "me too" does not place it
    # under the lead's department; an operator decides where it goes.
    assert "Registration index: К-2" in neighbour.text
    assert "the answer to it will come to you as well" not in neighbour.text
    assert "could not be joined to the one about the same problem nearby" in neighbour.text
    joined = await appeal(sessions, "К-2")
    assert (joined.joined_to_id, joined.status, joined.department_id) == (
        None,
        "registered",
        None,
    )


async def test_untriaged_reports_of_one_lamp_see_each_other_and_go_together_when_assigned(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    first, neighbour, third = (Chat(conversation, f"citizen-{n}") for n in (1, 2, 3))
    for chat in (first, neighbour, third):
        await onboard(chat)
    await file_at(first, ACROSS_TOWN)  # Ш-1, elsewhere
    await file_at(neighbour, FIRST_PLACE, name=NEIGHBOUR)  # К-2, registered only
    # The citizen filing is offered the registered report too ("me too").
    await file_at(third, NEARBY, name="Кравець Олена Іванівна", me_too=False)  # К-3

    await operator.send("/appeal К-3")
    assert "Possibly the same problem: К-2, about 40 m away, registered" in operator.text
    await operator.tap("Join to К-2")
    assert "Appeal К-3 is joined to К-2: when К-2 is assigned" in operator.text
    assert (await appeal(sessions, "К-3")).status == "registered"
    await operator.send("/assign К-2 zhkh 15")
    assert "Joined to it and assigned with it: К-3." in operator.text
    lead, joined = await appeal(sessions, "К-2"), await appeal(sessions, "К-3")
    assert (joined.status, joined.department_id, joined.joined_to_id) == (
        "assigned",
        lead.department_id,
        lead.id,
    )
    told = await outbox_for(sessions, third.user)
    assert any("К-3" in str(m["text"]) and "Department of Housing" in str(m["text"]) for m in told)


async def test_a_citizen_joins_a_registered_report_and_is_assigned_with_it(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    first, neighbour = Chat(conversation, "citizen-1"), Chat(conversation, "citizen-2")
    await onboard(first)
    await onboard(neighbour)
    await file_at(first, FIRST_PLACE)  # Ш-1, not yet assigned
    await file_at(neighbour, NEARBY, name=NEIGHBOUR, me_too=True)
    assert "considered together" in neighbour.text
    lead, joined = await appeal(sessions, "Ш-1"), await appeal(sessions, "К-2")
    assert (joined.status, joined.joined_to_id) == ("registered", lead.id)
    await operator.send("/assign Ш-1 zhkh")
    assert (await appeal(sessions, "К-2")).status == "assigned"


async def test_art15_a_heros_report_joined_to_an_untriaged_one_is_routed_on_its_own(
    conversation: Conversation, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    first, hero = Chat(conversation, "citizen-1"), Chat(conversation, "citizen-2")
    await onboard(first)
    await onboard(hero)
    await file_at(first, FIRST_PLACE)  # Ш-1, registered only
    await file_at(hero, NEARBY, name=NEIGHBOUR, me_too=False)  # К-2
    await operator.send("/classify К-2")
    await operator.tap("Author category")
    await operator.tap("7.16 Hero of Ukraine")
    await operator.tap("Done")
    await operator.send("/merge К-2 Ш-1")
    assert "Appeal К-2 is joined to Ш-1: when Ш-1 is assigned" in operator.text
    await operator.send("/assign Ш-1 zhkh 15")
    # The head considers a Hero's appeals personally (Art. 15): it does not follow its lead to
    # zhkh; it leaves it and waits for an operator.
    assert "К-2 was joined to it but is not assigned with it" in operator.text, operator.text
    assert "Joined to it and assigned with it" not in operator.text
    held = await appeal(sessions, "К-2")
    assert (held.status, held.department_id, held.joined_to_id) == ("registered", None, None)
