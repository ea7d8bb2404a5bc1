"""What the conversation needs to know about the deployment."""

from dataclasses import dataclass, field
from datetime import time

from handlers.reporting import ReportMaker
from reception.categories import EverydayCategory
from reception.classifier import DEFAULT_RECEIPT_FORMS, Channel, ReceiptForm
from reception.deadlines import Term, WorkCalendar
from reception.files import DEFAULT_BYTES_PER_DAY, DEFAULT_FILES_PER_DAY, DEFAULT_MAX_FILE_BYTES
from reception.numbering import IndexFormat
from storage.attachments import AttachmentStore
from storage.departments import example_categories_file, read_categories


def example_categories() -> tuple[EverydayCategory, ...]:
    return read_categories(example_categories_file())


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
    #: The CNAP's control of answers (Lutsk's order): an executor's answer waits for an
    #: operator's /approve before the citizen sees it. Off: answers go straight to the citizen.
    answer_control: bool = True
    #: Art. 16: where a complaint about a refusal goes — the body above the council's.
    higher_body_uk: str = "Луцький міський голова"
    higher_body_en: str = "the Mayor of Lutsk"
    #: Art. 8, 15: on whose authority a decision not to consider an appeal is taken.
    head_title_uk: str = "Луцький міський голова"
    head_title_en: str = "the Mayor of Lutsk"
    #: Art. 15: the department whose staff prepare what the head considers personally.
    head_office_department: str = "cnap"
    #: Builds chart and spreadsheet files for /stats and /report (set by `bot/`).
    reports: ReportMaker | None = None
    #: Classifier 858, 1.x: the receipt form each way in is filed under (settings).
    receipt_forms: dict[Channel, ReceiptForm] = field(
        default_factory=lambda: dict(DEFAULT_RECEIPT_FORMS)
    )
    #: Where generated files are kept so that channels can send them.
    files: AttachmentStore | None = None
    #: What citizens choose from when filing (CATEGORIES_FILE).
    categories: tuple[EverydayCategory, ...] = field(default_factory=example_categories)

    #: Instruction No. 348 keeps appeals 5 years (unverified item: a setting); then a job
    #: anonymises them.
    retention_years: int = 5
    #: Days a delivered or failed outbox message is kept (it holds the text sent: names, places,
    #: appeal texts); long enough to look into a complaint about a notice, then deleted.
    outbox_retention_days: int = 30
    #: Days a file of a cancelled or abandoned draft is kept before it is deleted.
    draft_file_days: int = 30
    #: The controller's contacts, shown in the personal-data notice.
    #: (The deployer sets the real address and e-mail: COUNCIL_CONTACTS_UK / _EN.)
    council_contacts_uk: str = "приймальня міської ради, адреса та e-mail — на сайті ради"
    council_contacts_en: str = "the city council's reception; address and e-mail on its website"
    #: How to file without the bot, told to a person who refuses consent.
    offline_filing_uk: str = "особисто в ЦНАП або поштою на адресу міської ради"
    offline_filing_en: str = "in person at the CNAP, or by post to the city council's address"

    def council_name(self, locale: str) -> str:
        return self.council_name_uk if locale == "uk" else self.council_name_en

    def higher_body(self, locale: str) -> str:
        return self.higher_body_uk if locale == "uk" else self.higher_body_en

    def head_title(self, locale: str) -> str:
        return self.head_title_uk if locale == "uk" else self.head_title_en

    def council_contacts(self, locale: str) -> str:
        return self.council_contacts_uk if locale == "uk" else self.council_contacts_en

    def offline_filing(self, locale: str) -> str:
        return self.offline_filing_uk if locale == "uk" else self.offline_filing_en
