"""What the conversation needs to know about the deployment."""

from dataclasses import dataclass, field
from datetime import time

from handlers.reporting import ReportMaker
from reception.deadlines import Term, WorkCalendar
from reception.files import DEFAULT_BYTES_PER_DAY, DEFAULT_FILES_PER_DAY, DEFAULT_MAX_FILE_BYTES
from reception.numbering import IndexFormat
from storage.attachments import AttachmentStore


@dataclass(frozen=True)
class ConversationConfig:
    council_name_uk: str = "Луцька міська рада"
    council_name_en: str = "Lutsk City Council"
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    index_format: IndexFormat = field(default_factory=IndexFormat)
    #: The term promised at registration; the operator may set 15 days on assignment.
    default_term: Term = Term.ONE_MONTH
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    #: A person's files and bytes a day (the disk is not for anyone to fill).
    max_files_per_day: int = DEFAULT_FILES_PER_DAY
    max_bytes_per_day: int = DEFAULT_BYTES_PER_DAY
    #: Bump when the personal-data notice changes: everyone is asked to consent again.
    notice_version: str = "2026-11"
    #: Days before the due date when executors and their department are reminded.
    reminder_days: tuple[int, ...] = (3, 1)
    #: When operators get the daily digest (local time).
    digest_time: time = time(9, 0)
    #: An answered appeal the citizen did not rate is closed after this many days.
    auto_close_days: int = 14
    #: Builds chart and spreadsheet files for /stats and /report (set by `bot/`).
    reports: ReportMaker | None = None
    #: Where generated files are kept so that channels can send them.
    files: AttachmentStore | None = None

    def council_name(self, locale: str) -> str:
        return self.council_name_uk if locale == "uk" else self.council_name_en
