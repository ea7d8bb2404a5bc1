"""The terminal channel: the same conversation, one input line per message.

A number picks that numbered button of the last reply; `/contact +380…`, `/location LAT LON`
and `/file PATH` share a contact, a location and a file. Standard input is read to its end, so
the chat can be scripted: `printf '…' | python -m bot console`.
"""

import asyncio
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.dbwatch import retry_delay
from bot.logs import new_request_id
from handlers.conversation import Conversation
from handlers.intake_notes import delay_note
from handlers.types import Ask, Contact, Incoming, IncomingFile, Location, Reply
from reception.files import FileProblem, file_problem, guess_type
from storage.attachments import AttachmentStore
from storage.outages import is_outage

CHANNEL = "console"


class ConsoleChannel:
    def __init__(
        self,
        conversation: Conversation,
        attachments: AttachmentStore,
        *,
        user: str,
        max_file_bytes: int,
        output: TextIO = sys.stdout,
    ) -> None:
        self._conversation = conversation
        self._attachments = attachments
        self._user = user
        self._max_file_bytes = max_file_bytes
        self._output = output
        self._buttons: tuple[str, ...] = ()

    def to_incoming(self, line: str) -> Incoming:
        base = Incoming(channel=CHANNEL, external_user_id=self._user)
        text = line.strip()
        if text.isdecimal() and 1 <= int(text) <= len(self._buttons):
            return replace(base, action=self._buttons[int(text) - 1])
        word, _, rest = text.partition(" ")
        if word == "/contact" and rest.strip():
            return replace(base, contact=Contact(rest.strip(), own=True))
        if word == "/location":
            try:
                lat, lon = (float(part) for part in rest.replace(",", " ").split())
            except ValueError:
                return replace(base, text=text)
            return replace(base, location=Location(lat, lon))
        if word == "/file" and rest.strip():
            return replace(base, files=(self._store(Path(rest.strip()).expanduser()),))
        return replace(base, text=text)

    def _store(self, path: Path) -> IncomingFile:
        try:
            size = path.stat().st_size
        except OSError:
            return IncomingFile(
                path.name, "application/octet-stream", 0, problem=FileProblem.UNREADABLE
            )
        mime = guess_type(path.name) or "application/octet-stream"
        problem = file_problem(path.name, mime, size, self._max_file_bytes)
        if problem is not None:
            return IncomingFile(path.name, mime, size, problem=problem)
        try:
            key = self._attachments.save_file(path)
        except OSError:
            return IncomingFile(path.name, mime, size, problem=FileProblem.UNREADABLE)
        return IncomingFile(path.name, mime, size, storage_key=key)

    def render(self, replies: list[Reply]) -> None:
        for reply in replies:
            print(reply.text, file=self._output)
            for number, button in enumerate(reply.buttons, start=1):
                print(f"  {number}) {button.label}", file=self._output)
            if reply.ask is Ask.CONTACT:
                print("  ↳ /contact +380…", file=self._output)
            elif reply.ask is Ask.LOCATION:
                print("  ↳ /location 50.7472 25.3254", file=self._output)
            for file in reply.files:
                print(f"  📎 {file.name}", file=self._output)
            print(file=self._output)
            if reply.buttons:
                self._buttons = tuple(button.action for button in reply.buttons)
        if replies and not replies[-1].buttons:
            self._buttons = ()
        self._output.flush()

    async def send(self, line: str) -> list[Reply]:
        new_request_id()
        incoming = self.to_incoming(line)
        attempt = 0
        while True:
            try:
                replies = await self._conversation.handle(incoming)
                break
            except Exception as error:
                # The database is away (another process holds SQLite's lock): wait, say so once.
                if not is_outage(error):
                    raise
                if attempt == 0:
                    self.render([delay_note(self._conversation.catalogs, None)])
                await asyncio.sleep(retry_delay(attempt))
                attempt += 1
        self.render(replies)
        return replies

    async def run(self, source: TextIO = sys.stdin) -> None:
        interactive = source.isatty()
        lines = read_lines(source)
        await self.send("/start")
        while True:
            if interactive:
                print("> ", end="", file=self._output, flush=True)
            line = await lines.get()
            if not line:
                break
            if line.strip():
                await self.send(line)


def read_lines(source: TextIO) -> "asyncio.Queue[str]":
    """Lines of `source` as they come, "" at its end. A daemon thread reads them: a blocking
    read in the loop's executor would keep Ctrl-C waiting for Enter, since the loop joins its
    executor's threads on the way out."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:
        while True:
            try:
                line = source.readline()
            except (OSError, ValueError):  # closed under us
                line = ""
            try:
                loop.call_soon_threadsafe(queue.put_nowait, line)
            except RuntimeError:  # the loop is gone: nobody listens any more
                return
            if not line:
                return

    threading.Thread(target=pump, name="terminal-chat-input", daemon=True).start()
    return queue


class ConsoleNotifications:
    """The outbox's sender for the terminal: a notification is printed into the chat."""

    name = CHANNEL

    def __init__(self, channel: ConsoleChannel) -> None:
        self._channel = channel

    @property
    def outbox_sender(self) -> "ConsoleNotifications":
        return self

    async def send(self, recipient: str, replies: list[Reply]) -> None:
        self._channel.render([replace(reply, text=f"🔔 {reply.text}") for reply in replies])
