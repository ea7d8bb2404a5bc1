"""Files are taken by what they are, not by what they claim: the first bytes must agree with the
extension; refused and surplus files leave the disk; names are made safe; a person's daily
quota holds; and the intake can ask whether a person may send files at all."""

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from handlers.types import Incoming, IncomingFile, MayDownload, Reply
from reception.files import FileProblem, content_problem, safe_name, sniff
from storage.attachments import AttachmentStore
from storage.inbox import InboxItem, NewUpdate
from storage.models import Attachment
from tests.desk_kit import make_staff
from tests.harness import LIGHTING, Chat, Clock, intake_of, onboard
from tests.waits import eventually

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "attachments")


@pytest.fixture
def config(store: AttachmentStore) -> ConversationConfig:
    return ConversationConfig(files=store, max_files_per_day=4, max_bytes_per_day=10_000)


def on_disk(store: AttachmentStore) -> int:
    return sum(1 for path in store.root.rglob("*") if path.is_file())


def upload(store: AttachmentStore, name: str, data: bytes, mime: str) -> IncomingFile:
    return IncomingFile(name, mime, len(data), storage_key=store.save_bytes(data))


async def at_text_step(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Street lighting")
    await chat.send(LIGHTING)


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[Attachment]:
    async with sessions() as session:
        return list(await session.scalars(select(Attachment)))


def test_the_type_is_decided_by_the_content_and_must_agree_with_the_extension() -> None:
    assert sniff(PDF) == "application/pdf"
    assert content_problem("invoice.pdf", EXE) is FileProblem.MISMATCH
    assert content_problem("invoice.exe", EXE) is FileProblem.TYPE
    assert content_problem("scan.exe", PDF) is FileProblem.TYPE
    assert content_problem("photo.png", JPEG) is FileProblem.MISMATCH
    assert content_problem("act.PDF", PDF) is None
    assert content_problem("note.txt", "Ліхтарі не світять.\n".encode()) is None
    assert content_problem("note.txt", b"\x00\x01binary") is FileProblem.MISMATCH


def test_stored_names_are_made_safe() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\акт.pdf") == "акт.pdf"
    assert safe_name("evil\u202egpj.exe") == "evilgpj.exe"  # no right-to-left override
    assert safe_name("   .hidden.pdf") == "hidden.pdf"
    assert safe_name("a" * 300 + ".pdf") == "a" * 116 + ".pdf"
    assert safe_name("...") == "file"


async def test_an_exe_declared_as_pdf_and_a_pdf_named_exe_are_refused_and_deleted(
    chat: Chat, store: AttachmentStore, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await at_text_step(chat)
    await chat.send_files(upload(store, "invoice.pdf", EXE, "application/pdf"))
    assert "“invoice.pdf” was not attached: its content does not match its extension" in chat.text
    await chat.send_files(upload(store, "invoice.exe", EXE, "application/pdf"))
    assert "“invoice.exe” was not attached: only PDF" in chat.text
    await chat.send_files(upload(store, "scan.exe", PDF, "application/pdf"))
    assert "“scan.exe” was not attached" in chat.text
    assert on_disk(store) == 0
    assert await rows(sessions) == []
    await chat.send_files(upload(store, "../../act\u202e.pdf", PDF, "application/x-msdownload"))
    assert "File “act.pdf” is attached." in chat.text
    [kept] = await rows(sessions)
    assert (kept.name, kept.mime) == ("act.pdf", "application/pdf")
    assert on_disk(store) == 1


async def test_surplus_files_of_an_appeal_leave_the_disk(
    conversation: Conversation,
    store: AttachmentStore,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    clock: Clock,
) -> None:
    generous = replace(conversation.config, max_files_per_day=100, max_bytes_per_day=10**7)
    chat = Chat(Conversation(sessions, generous, catalogs, clock=clock), "citizen-many")
    await at_text_step(chat)
    await chat.send_files(*(upload(store, f"p{n}.jpg", JPEG, "image/jpeg") for n in range(12)))
    assert chat.text.count("is attached") == 10
    assert chat.text.count("an appeal may have up to 10 files") == 2
    assert on_disk(store) == 10
    assert len(await rows(sessions)) == 10


async def test_a_persons_daily_quota_of_files_and_megabytes_holds(
    chat: Chat, other_chat: Chat, store: AttachmentStore, clock: Clock
) -> None:
    await at_text_step(chat)
    await chat.send_files(*(upload(store, f"p{n}.jpg", JPEG, "image/jpeg") for n in range(5)))
    assert chat.text.count("is attached") == 4
    assert "“p4.jpg” was not attached: one person may attach up to 4 files and 0 MB a day" in (
        chat.text
    )
    assert on_disk(store) == 4
    await at_text_step(other_chat)
    big = upload(store, "big.pdf", PDF + b"0" * 10_000, "application/pdf")
    await other_chat.send_files(big)
    assert "was not attached: one person may attach" in other_chat.text
    assert on_disk(store) == 4
    clock.advance(days=1, minutes=1)
    await chat.send_files(upload(store, "next-day.jpg", JPEG, "image/jpeg"))
    assert "File “next-day.jpg” is attached." in chat.text


@pytest.mark.parametrize(
    "caption", ["/help", "/cancel", "/mydata", "/my", "/new", "/xyz", "/link"]
)
async def test_a_file_sent_with_a_command_is_not_kept_and_the_person_is_told(
    chat: Chat,
    conversation: Conversation,
    store: AttachmentStore,
    sessions: async_sessionmaker[AsyncSession],
    caption: str,
) -> None:
    await at_text_step(chat)
    for n in range(10):
        await chat.send_files(upload(store, f"a{n}.pdf", PDF, "application/pdf"), text=caption)
        assert "The file was not attached: it came with a command." in chat.text
    assert on_disk(store) == 0
    assert await rows(sessions) == []
    await chat.send("/new")  # back in the draft: the quota was not spent on them
    if "Continue" in chat.buttons:
        await chat.tap("Continue")
    await chat.send_files(*(upload(store, f"p{n}.jpg", JPEG, "image/jpeg") for n in range(4)))
    assert chat.text.count("is attached") == 4
    assert on_disk(store) == len(await rows(sessions)) == 4


async def test_files_of_an_update_the_intake_gave_up_on_leave_the_disk(
    chat: Chat,
    conversation: Conversation,
    store: AttachmentStore,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """What `bot.intake` calls for an update it could not handle after its attempts: files
    downloaded for it that no row keeps are deleted, and a kept one stays."""
    await at_text_step(chat)
    kept = upload(store, "kept.jpg", JPEG, "image/jpeg")
    await chat.send_files(kept)
    stray = upload(store, "stray.pdf", PDF, "application/pdf")
    await conversation.discard_files(
        Incoming(channel="test", external_user_id=chat.user, files=(kept, stray))
    )
    assert on_disk(store) == len(await rows(sessions)) == 1


class FailingUpdates:
    """A channel whose every update carries a downloaded file, for a conversation that fails."""

    name = "test"

    def __init__(self, store: AttachmentStore) -> None:
        self.store = store
        self.failures_noted = 0

    def reads_at_once(self, payload: dict[str, Any]) -> bool:
        return False  # it downloads

    async def parse(self, item: InboxItem, may_download: MayDownload) -> Incoming:
        scan = upload(self.store, "scan.pdf", PDF, "application/pdf")
        return Incoming(channel=self.name, external_user_id=item.sender, files=(scan,))

    async def deliver(self, item: InboxItem, replies: list[Reply]) -> None:
        pass

    async def note_delay(self, update: InboxItem | NewUpdate) -> None:
        pass

    async def note_failure(self, item: InboxItem) -> None:
        self.failures_noted += 1


async def test_the_file_of_an_update_the_intake_gives_up_on_leaves_the_disk(
    conversation: Conversation,
    store: AttachmentStore,
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(inbox_id: int, incoming: Incoming) -> None:
        raise RuntimeError("a bug in a step")

    monkeypatch.setattr(conversation, "handle_stored", broken)
    channel = FailingUpdates(store)
    intake = intake_of(sessions, conversation, channel)
    assert await intake.accept([NewUpdate("test", "u-1", "citizen-1", {})])
    await eventually(lambda: channel.failures_noted == 1, timeout=30)
    assert on_disk(store) == 0
    await intake.close(0)


async def test_the_intake_asks_whether_a_person_may_send_files_now(
    conversation: Conversation, chat: Chat
) -> None:
    assert not await conversation.takes_files("test", chat.user)  # never wrote
    await chat.send("/start")
    await chat.tap("English")
    assert not await conversation.takes_files("test", chat.user)  # no consent yet
    await chat.tap("I agree")
    assert not await conversation.takes_files("test", chat.user)  # at the menu
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Street lighting")
    assert await conversation.takes_files("test", chat.user)  # describing the issue
    await chat.send("/cancel")
    assert not await conversation.takes_files("test", chat.user)
    await chat.send("/new")  # back into the draft: resume question, a filing step with a draft
    assert not await conversation.takes_files("test", "someone-else")


def test_voice_recordings_are_told_by_their_content() -> None:
    assert content_problem("voice-1.ogg", b"OggS\x00\x02" + b"\x00" * 30) is None
    assert content_problem("talk.mp3", b"ID3\x04\x00" + b"\x00" * 30) is None
    assert content_problem("memo.m4a", b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 30) is None
    assert content_problem("voice.ogg", EXE) is FileProblem.MISMATCH


async def test_an_appeal_said_in_a_recording_tells_staff_to_listen(
    chat: Chat,
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
    store: AttachmentStore,
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    await onboard(chat)
    await chat.send("/new")
    await chat.tap("Complaint")
    await chat.tap("Street lighting")
    voice = b"OggS\x00\x02" + b"\x00" * 30
    await chat.send_files(upload(store, "voice-1.ogg", voice, "audio/ogg"))
    await chat.tap("Done")
    await chat.tap("Go on without text")
    await chat.tap("Skip")
    await chat.send("Шевченко Тарас Григорович")
    await chat.send("м. Луцьк, вул. Лесі Українки, 35, кв. 2")
    await chat.send("050 123 45 67")
    await chat.tap("Skip")
    await chat.tap("Continue")
    await chat.tap("Submit")
    assert "Your appeal is registered." in chat.text, chat.text
    await operator.send("/appeal Ш-1")
    assert (
        "the appeal was given as a voice recording; listen to the attached file" in operator.text
    )
