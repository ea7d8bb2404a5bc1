"""A citizen files an appeal from first contact to the registration index and due date."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.types import Ask, IncomingFile
from storage.models import Appeal, AppealEvent, Attachment, Consent, Person
from tests.harness import LIGHTING, Chat, file_appeal, onboard


async def one_appeal(sessions: async_sessionmaker[AsyncSession]) -> Appeal:
    async with sessions() as session:
        appeals = (await session.scalars(select(Appeal))).all()
    assert len(appeals) == 1
    return appeals[0]


async def test_first_contact_asks_language_then_consent_then_shows_the_menu(chat: Chat) -> None:
    await chat.send("Hello")
    assert "Please choose your language." in chat.text
    assert chat.buttons == ["Українська", "English"]
    await chat.tap("English")
    assert "Lutsk City Council processes your personal data" in chat.text
    assert "More" in chat.buttons
    assert "Do you agree" in chat.text
    await chat.tap("I agree")
    assert chat.buttons == ["New appeal", "My appeals", "Help"]


async def test_a_messenger_in_ukrainian_or_english_skips_the_language_question(
    chat: Chat,
) -> None:
    chat.locale_hint = "en-GB"
    await chat.send("/start")
    assert "The language is set: English. To change it, send /lang." in chat.text
    assert "Do you agree" in chat.text
    await chat.tap("I agree")
    await chat.send("/lang")  # the choice is still the person's
    await chat.tap("Українська")
    assert "Мову встановлено" in chat.text
    assert chat.buttons == ["Нове звернення", "Мої звернення", "Довідка"]


async def test_a_complete_appeal_gets_its_index_and_lawful_due_date(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await onboard(chat)
    await chat.send("/new")
    assert "What kind of appeal is it?" in chat.text
    assert chat.text.startswith("Step 1 of 9\n")  # how far the person is, in every question
    assert "Complaint — a demand to restore your right" in chat.text
    await chat.tap("Complaint")
    await chat.tap("Street lighting")
    await chat.send(LIGHTING)
    assert "The text now has 72 characters" in chat.text
    await chat.send("Residents have called the utility twice.")
    await chat.send_files(IncomingFile("lights.jpg", "image/jpeg", 2048, storage_key="abc123"))
    assert "File “lights.jpg” is attached." in chat.text
    await chat.tap("Done")
    assert chat.asked() is Ask.LOCATION
    await chat.share_location(50.7472, 25.3254)
    # After a shared location the words typed are its address, not the next answer.
    assert "you may add the address or a landmark" in chat.text
    await chat.send("вул. Лесі Українки, 35, біля арки")
    assert "The address is saved: вул. Лесі Українки, 35, біля арки" in chat.text
    await chat.send("шевченко   тарас григорович")
    await chat.send("м. Луцьк, вул. Лесі Українки, 35, кв. 2")
    assert chat.asked() is Ask.CONTACT
    await chat.share_contact("+380501234567")
    await chat.send("T.Shevchenko@Ukr.net")
    await chat.tap("Collective")
    await chat.send("12")
    # Art. 5: a collective appeal may name its co-authors; they are kept for the staff.
    await chat.send("коваль іван петрович\nSmith John")
    await chat.tap("Confidential")
    await chat.tap("Privileges")
    await chat.tap("Child of war")
    assert "☑ Collective appeal" in chat.text
    assert "Signed by 12 people, you included" in chat.text
    assert "Коваль Іван Петрович\nSmith John" in chat.text
    await chat.tap("Continue")
    summary = chat.text
    assert "Kind: Complaint" in summary
    assert "Topic: 009 Communal services" in summary
    assert "Residents have called the utility twice." in summary
    assert "Files: 1" in summary
    assert (
        "Place of the problem: вул. Лесі Українки, 35, біля арки "
        "https://www.openstreetmap.org/?mlat=50.747200&mlon=25.325400" in summary
    )
    assert "Author: Шевченко Тарас Григорович" in summary
    assert "Phone: +380501234567" in summary
    assert "E-mail: T.Shevchenko@ukr.net" in summary
    assert "Collective: yes, signed by 12 people" in summary
    assert "Statutory privileges: Child of war" in summary
    await chat.tap("Submit")
    assert "Your appeal is registered." in chat.text
    # A collective appeal is marked КО; submitted on Tuesday 1 December 2026 within working
    # hours, it is received that day and due a calendar month later.
    assert "Registration index: КО-1" in chat.text
    assert "Date of receipt: 1 December 2026" in chat.text
    assert "The answer is due by: 1 January 2027" in chat.text
    assert chat.buttons == ["New appeal", "My appeals", "Help"]

    appeal = await one_appeal(sessions)
    assert (appeal.kind, appeal.subject, appeal.topic) == ("3.3", "5.2", "009")
    assert appeal.coauthors == 12
    assert appeal.confidential
    assert appeal.privileged
    assert appeal.author_category == "7.2"  # Classifier 858: 7.2 is a child of war
    # Classifier 858: an electronic appeal is filed as one by post (e-mail), 1.1, not 1.6.
    assert (appeal.receipt_form, appeal.receipt_sign) == ("1.1", "2.1")
    assert appeal.coauthor_names == "Коваль Іван Петрович\nSmith John"
    assert appeal.text == LIGHTING + "\n\nResidents have called the utility twice."
    assert appeal.status == "registered"
    async with sessions() as session:
        events = (await session.scalars(select(AppealEvent))).all()
        files = (await session.scalars(select(Attachment))).all()
        person = await session.get_one(Person, appeal.author_id)
    assert [e.kind for e in events] == ["registered"]
    assert [f.appeal_id for f in files] == [appeal.id]
    assert person.phone == "+380501234567"
    assert person.surname == "Шевченко"


async def test_an_individual_appeal_is_numbered_by_the_surname(
    chat: Chat, other_chat: Chat
) -> None:
    await onboard(chat)
    await file_appeal(chat)
    assert "Registration index: Ш-1" in chat.text
    await onboard(other_chat)
    await file_appeal(other_chat, name="Українка Леся Петрівна")
    assert "Registration index: У-2" in other_chat.text


async def test_the_same_flow_speaks_ukrainian(chat: Chat) -> None:
    await onboard(chat, language="Українська")
    assert "Нове звернення" in chat.buttons
    await chat.tap("Нове звернення")
    await chat.tap("Скарга")
    await chat.tap("Освітлення")
    await chat.send("Другий тиждень не світять ліхтарі біля будинку на вулиці Лесі Українки.")
    await chat.tap("Готово")
    await chat.tap("Пропустити")
    await chat.send("Шевченко Тарас Григорович")
    await chat.send("м. Луцьк, вул. Лесі Українки, 35")
    await chat.send("0501234567")
    await chat.tap("Пропустити")
    await chat.tap("Продовжити")
    await chat.tap("Надіслати")
    assert "Ш-1" in chat.text
    assert "1 грудня 2026" in chat.text
    assert "1 січня 2027" in chat.text


async def test_refusing_consent_stores_only_the_refusal(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/start")
    await chat.tap("English")
    await chat.tap("I do not agree")
    assert "cannot register an appeal" in chat.text
    await chat.send("/new")
    assert "Do you agree" in chat.text
    assert "its duty under the Law" not in chat.text  # the notice once, then one line
    await chat.send("Шевченко Тарас Григорович")
    assert "Do you agree" in chat.text
    async with sessions() as session:
        consents = (await session.scalars(select(Consent))).all()
        people = (await session.scalars(select(Person))).all()
    assert [c.given for c in consents] == [False]
    assert [(p.surname, p.phone, p.residence) for p in people] == [(None, None, None)]
    await chat.tap("I agree")
    assert chat.buttons == ["New appeal", "My appeals", "Help"]


async def test_a_returning_citizen_confirms_the_saved_details(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await onboard(chat)
    await file_appeal(chat)
    await chat.send("/new")
    await chat.tap("Proposal")
    await chat.tap("Public transport")
    await chat.send("Please add a bus stop near the new school on Kravchuka Street.")
    await chat.tap("Done")
    await chat.send("вул. Кравчука, 40")
    assert "Shall we use your details from the previous appeal?" in chat.text
    assert "Step 5 of 6" in chat.text  # saved details make the way shorter
    assert "Шевченко Тарас Григорович" in chat.text
    assert "+380501234567" in chat.text
    await chat.tap("Yes, use them")
    await chat.tap("Continue")
    assert "Author: Шевченко Тарас Григорович" in chat.text
    await chat.tap("Submit")
    assert "Registration index: Ш-2" in chat.text
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Appeal)) == 2


async def test_any_field_can_be_changed_from_the_summary(chat: Chat) -> None:
    await onboard(chat)
    await file_appeal(chat, submit=False)
    await chat.tap("Change something")
    await chat.tap("Kind")
    await chat.tap("Application")
    assert "Kind: Application" in chat.text
    await chat.tap("Change something")
    await chat.tap("Name")
    assert "Now: Шевченко Тарас Григорович" in chat.text
    await chat.send("Косач Лариса Петрівна")
    assert "Author: Косач Лариса Петрівна" in chat.text
    await chat.tap("Change something")
    await chat.tap("E-mail")
    await chat.send("lesya@example.com")
    assert "E-mail: lesya@example.com" in chat.text
    await chat.tap("Change something")
    await chat.tap("Text and files")
    await chat.tap("Write again")
    await chat.send("The lift in our building has not worked since Monday.")
    await chat.tap("Done")
    assert "Text: The lift in our building has not worked since Monday." in chat.text
    await chat.tap("Submit")
    assert "Registration index: К-1" in chat.text


async def test_cancelling_the_draft_from_the_summary_deletes_it(chat: Chat) -> None:
    await onboard(chat)
    await file_appeal(chat, submit=False)
    await chat.tap("Cancel the appeal")
    await chat.tap("No, keep it")
    assert "Please check your appeal" in chat.text
    await chat.tap("Cancel the appeal")
    await chat.tap("Yes, delete the draft")
    assert "The draft is deleted." in chat.text
    assert chat.buttons == ["New appeal", "My appeals", "Help"]


async def test_words_typed_at_first_contact_become_the_appeals_text(chat: Chat) -> None:
    chat.locale_hint = "uk"
    await chat.send("У підʼїзді на Рівненській, 5 не світить лампочка вже тиждень")
    assert "Чи погоджуєтеся Ви" in chat.text  # the notice first, as the law requires
    await chat.tap("Погоджуюся")
    assert "Бажаєте подати звернення з цим текстом?" in chat.text
    assert "не світить лампочка" in chat.text
    await chat.tap("Так, подати")
    await chat.tap("Скарга")
    await chat.tap("Освітлення вулиць")
    assert "текст звернення (60 символів) збережено" in chat.text  # the words are the text
    await chat.tap("Готово")
    assert "Де виникла проблема" in chat.text or "адрес" in chat.text


async def test_text_typed_at_the_menu_is_offered_for_filing_not_thrown_away(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("hello")  # no substance: the menu's hint
    assert "Please choose what to do with a button" in chat.text
    await chat.send("The bus stop shelter on Voli Avenue 12 is broken and dangerous")
    assert "Would you like to file an appeal with this text?" in chat.text
    await chat.tap("No")
    assert chat.buttons == ["New appeal", "My appeals", "Help"]
    await chat.send("The bus stop shelter on Voli Avenue 12 is broken and dangerous")
    await chat.tap("Yes, file it")
    await chat.tap("Proposal")
    await chat.tap("Public transport")
    assert "so far (62 characters) is kept" in chat.text
