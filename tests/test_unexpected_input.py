"""Whatever a person sends, they get a reply saying what is expected, and nothing is lost."""

import pytest

from handlers.types import IncomingFile
from reception.files import FileProblem
from tests.harness import LIGHTING, Chat, onboard


async def start_text_step(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Street lighting")


@pytest.mark.parametrize(
    ("what", "expected"),
    [
        ("sticker", "Stickers cannot be read here."),
        ("video_note", "Video messages cannot be received here"),
        ("poll", "Polls cannot be received here."),
        ("dice", "This kind of message cannot be read here."),
    ],
)
async def test_unreadable_messages_are_answered_and_the_question_repeated(
    chat: Chat, what: str, expected: str
) -> None:
    await start_text_step(chat)
    await chat.send(LIGHTING)
    await chat.send_unsupported(what)
    assert expected in chat.text
    assert "The text of your appeal so far (72 characters) is kept." in chat.text


async def test_a_sticker_before_choosing_a_language_gets_the_language_question(
    chat: Chat,
) -> None:
    await chat.send_unsupported("sticker")
    assert "Please choose your language." in chat.text


async def test_a_10000_character_message_is_refused_and_the_draft_kept(chat: Chat) -> None:
    await start_text_step(chat)
    await chat.send(LIGHTING)
    await chat.send("Ліхтар " * 1429)
    assert "This message has 10002 characters, but one message may hold up to 4000" in chat.text
    await chat.tap("Done")
    await chat.tap("Skip")
    await chat.send("Шевченко Тарас Григорович")
    await chat.send("м. Луцьк, вул. Лесі Українки, 35")
    await chat.send("0501234567")
    await chat.tap("Skip")
    await chat.tap("Continue")
    assert f"Text: {LIGHTING}" in chat.text


async def test_emoji_only_text_is_not_enough(chat: Chat) -> None:
    await start_text_step(chat)
    await chat.send("😡😡😡")
    await chat.tap("Done")
    assert "Please describe the issue in a few words first" in chat.text


async def test_typing_instead_of_tapping_gets_the_hint(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/new")
    await chat.send("скарга")
    assert "Please choose the kind of appeal with a button." in chat.text
    assert "Complaint" in chat.buttons


async def test_a_button_from_an_old_message_is_answered_politely(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/new")
    old_kind_button = chat.button_action("Complaint")
    await chat.tap("Complaint")
    await chat.press(old_kind_button)
    assert "That button belongs to an earlier message" in chat.text
    assert "What is your appeal about?" in chat.text


async def test_a_forged_button_does_nothing(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/new")
    await chat.press("kind:9.9")
    assert "That button belongs to an earlier message" in chat.text
    await chat.press("x" * 5000)
    assert "What kind of appeal is it?" in chat.text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Шевченко Тарас Григорович Молодший Старший", "one to four words"),
        ("Шевченко Тарас 2", "A name may contain only letters"),
        ("Шевченкоfgh Тарас Григорович", "mix Latin and Cyrillic"),
        ("Ш" * 100 + " Тарас Григорович", "up to 60 letters"),
    ],
)
async def test_a_bad_name_is_explained(chat: Chat, typed: str, expected: str) -> None:
    await start_text_step(chat)
    await chat.send(LIGHTING)
    await chat.tap("Done")
    await chat.tap("Skip")
    await chat.send(typed)
    assert expected in chat.text
    await chat.send("Шевченко Тарас Григорович")
    assert "place of residence" in chat.text


async def test_phone_and_contact_problems(chat: Chat) -> None:
    await start_text_step(chat)
    await chat.send(LIGHTING)
    await chat.tap("Done")
    await chat.tap("Skip")
    await chat.send("Шевченко Тарас Григорович")
    await chat.send("Луц")
    assert "too short for an address" in chat.text
    await chat.send("м. Луцьк, вул. Лесі Українки, 35")
    await chat.share_contact("+380671112233", own=False)
    assert "someone else's contact" in chat.text
    await chat.share_contact("+3801")
    assert "does not look like a valid phone number" in chat.text
    await chat.send("123456789")
    assert "does not look like a valid phone number" in chat.text
    await chat.share_location(50.0, 25.0)
    assert "Please share your phone number or type it." in chat.text
    await chat.share_contact("380671112233")
    await chat.send("not-an-email")
    assert "does not look like an e-mail address" in chat.text
    await chat.send("petro@example.com")
    await chat.tap("Continue")
    assert "Phone: +380671112233" in chat.text


async def test_file_problems_are_explained(chat: Chat) -> None:
    await start_text_step(chat)
    await chat.send_files(
        IncomingFile("video.mp4", "video/mp4", 20 * 1024 * 1024, problem=FileProblem.TOO_LARGE),
        IncomingFile("virus.exe", "application/x-msdownload", 1000, problem=FileProblem.TYPE),
    )
    assert "File “video.mp4” is larger than 10 MB" in chat.text
    assert "File “virus.exe” was not attached: only PDF" in chat.text
    files = [IncomingFile(f"p{n}.jpg", "image/jpeg", 10, storage_key=f"k{n}") for n in range(11)]
    await chat.send_files(*files)
    assert "File “p9.jpg” is attached." in chat.text
    assert "File “p10.jpg” was not attached: an appeal may have up to 10 files." in chat.text


async def test_a_photo_sent_at_the_location_question_is_attached_to_the_draft(
    chat: Chat,
) -> None:
    await start_text_step(chat)
    await chat.send(LIGHTING)
    await chat.tap("Done")
    await chat.send_files(IncomingFile("pole.jpg", "image/jpeg", 100, storage_key="pole"))
    assert "File “pole.jpg” is attached." in chat.text
    assert "Where is the problem?" in chat.text


async def test_a_file_in_the_menu_is_explained(chat: Chat) -> None:
    await onboard(chat)
    await chat.send_files(IncomingFile("a.pdf", "application/pdf", 100, storage_key="a"))
    assert "Files are accepted while you describe the issue" in chat.text


async def test_unknown_commands_and_gibberish(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/launch_missiles")
    assert "There is no such command." in chat.text
    await chat.send("🙃 ʼʼ !!!")
    assert "Please choose what to do with a button, or type /help." in chat.text
    # Words at the menu may be a problem described: offered for filing, never thrown away.
    await chat.send("asdkjh 🙃 ЇЇЇ ʼʼ")
    assert "Would you like to file an appeal with this text?" in chat.text
    await chat.tap("No")
    assert chat.buttons == ["New appeal", "My appeals", "Help"]


async def test_a_number_of_coauthors_must_be_sensible(chat: Chat) -> None:
    await start_text_step(chat)
    await chat.send(LIGHTING)
    await chat.tap("Done")
    await chat.tap("Skip")
    await chat.send("Шевченко Тарас Григорович")
    await chat.send("м. Луцьк, вул. Лесі Українки, 35")
    await chat.send("0501234567")
    await chat.tap("Skip")
    await chat.tap("Collective")
    for bad in ("1", "two", "-5", "9999999999", "9" * 5000):  # 5,000 digits: issue 11
        await chat.send(bad)
        assert "Please type the number of people as digits" in chat.text
    await chat.tap("Back")
    assert "☐ Collective appeal" in chat.text


async def test_typing_a_buttons_label_is_the_same_as_tapping_it(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("new appeal")
    assert "What kind of appeal is it?" in chat.text
    await chat.send("  COMPLAINT ")
    assert "What is your appeal about?" in chat.text


async def test_a_toggled_option_may_replace_its_own_message(chat: Chat) -> None:
    await start_text_step(chat)
    await chat.send(LIGHTING)
    await chat.tap("Done")
    await chat.tap("Skip")
    await chat.send("Шевченко Тарас Григорович")
    await chat.send("м. Луцьк, вул. Лесі Українки, 35")
    await chat.send("0501234567")
    assert "The phone number is saved: +380501234567" in chat.text
    await chat.tap("Skip")
    assert not chat.last.replaces_prompt
    await chat.tap("Confidential")
    assert chat.last.replaces_prompt
    assert "☑ Do not disclose my surname, first name, patronymic and place of residence" in (
        chat.text
    )
