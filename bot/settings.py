"""Settings from the environment or `.env` (see .env.example for every one, explained)."""

import re
from datetime import date, time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.config import ConversationConfig
from handlers.i18n import DEFAULT_DIRECTORY, Catalogs
from reception.categories import EverydayCategory
from reception.classifier import DEFAULT_RECEIPT_FORMS, Channel, ReceiptForm
from reception.deadlines import DayOffRule, Term, WorkCalendar
from reception.numbering import IndexFormat
from storage.departments import example_categories_file, read_categories

WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
PLACEHOLDER_MARKERS = ("change", "your", "placeholder", "example", "xxx", "<", "token_here")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # storage
    database_url: str = "sqlite+aiosqlite:///./data/reception.db"
    attachments_dir: Path = Path("data/attachments")
    #: The council's executive bodies; unset: the example data shipped with the package.
    departments_file: Path | None = None
    #: The everyday categories citizens choose from; unset: the example shipped with the package.
    categories_file: Path | None = None
    #: The message catalogues (`uk/LC_MESSAGES/messages.po` …); unset: the ones shipped.
    locales_dir: Path | None = None
    auto_migrate: bool = True

    # messengers
    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    viber_auth_token: SecretStr | None = None
    viber_bot_name: str = Field(default="Приймальня", min_length=1, max_length=28)
    viber_bot_avatar: str | None = None
    viber_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    viber_webhook_url: str | None = None
    viber_api_url: str | None = None
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)

    # the public page and Open311 (bot/public_page.py, bot/open311.py)
    #: The anonymised public page, its open data and Open311's GET requests; false: none of them.
    public_view: bool = True
    #: Map tiles the visitor's browser loads ({z}, {x}, {y}); empty: no map.
    public_map_tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    public_map_attribution: str = "© OpenStreetMap contributors"
    #: Appeals one Open311 API key may file an hour (keys: `python -m bot apikey issue NAME`).
    open311_posts_per_hour: int = Field(default=60, ge=1, le=100_000)
    #: Without a messenger token, `run` in a terminal opens the terminal chat; with this (or when
    #: standard input is not a terminal) it serves only the web part: the public page and API.
    web_only: bool = False

    # e-mail to departments
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = True

    # the council and the law's settings
    council_name_uk: str = "Луцька міська рада"
    council_name_en: str = "Lutsk City Council"
    timezone: str = "Europe/Kyiv"
    default_locale: str = "uk"
    default_term: Term = Term.ONE_MONTH
    day_off_rule: DayOffRule = DayOffRule.PREVIOUS_WORKING_DAY
    after_hours_next_day: bool = True
    work_start: time = time(9, 0)
    work_end: time = time(18, 0)
    holidays: list[date] = Field(default_factory=list)
    index_template: str = "{letter}-{number}"
    index_collective_template: str = "КО-{number}"
    max_file_mb: int = Field(default=10, ge=1, le=50)
    #: One person's files and megabytes a day: nobody can fill the disk.
    max_files_per_day: int = Field(default=30, ge=1, le=1000)
    max_file_mb_per_day: int = Field(default=100, ge=1, le=10_000)
    #: Years registered appeals are kept before a job anonymises them (Instruction No. 348).
    retention_years: int = Field(default=5, ge=1, le=75)
    #: Days a delivered or failed notice or e-mail stays in the outbox (it holds the text sent).
    outbox_retention_days: int = Field(default=30, ge=1, le=365)
    #: Days a file attached to a draft never filed is kept before it is deleted.
    draft_file_days: int = Field(default=30, ge=1, le=365)
    #: The controller's contacts in the personal-data notice, and how to file without the bot.
    council_contacts_uk: str = "приймальня міської ради, адреса та e-mail — на сайті ради"
    council_contacts_en: str = "the city council's reception; address and e-mail on its website"
    offline_filing_uk: str = "особисто в ЦНАП або поштою на адресу міської ради"
    offline_filing_en: str = "in person at the CNAP, or by post to the city council's address"
    #: The CNAP checks every answer before the citizen sees it (Lutsk's order).
    answer_control: bool = True
    #: Art. 16: the higher body a refusal may be appealed to; Art. 8, 15: the council's head.
    higher_body_uk: str = "Луцький міський голова"
    higher_body_en: str = "the Mayor of Lutsk"
    head_title_uk: str = "Луцький міський голова"
    head_title_en: str = "the Mayor of Lutsk"
    #: Art. 15: the department (its code) that prepares what the head considers personally.
    head_office_department: str = "cnap"
    digest_time: time = time(9, 0)
    auto_close_days: int = Field(default=14, ge=1, le=365)
    #: Classifier 858, 1.x: the receipt form each way in is filed under. 1.1 is checked for
    #: electronic appeals (published council reports); the others are unverified defaults.
    receipt_form_electronic: ReceiptForm = DEFAULT_RECEIPT_FORMS[Channel.ELECTRONIC]
    receipt_form_post: ReceiptForm = DEFAULT_RECEIPT_FORMS[Channel.POST]
    receipt_form_in_person: ReceiptForm = DEFAULT_RECEIPT_FORMS[Channel.IN_PERSON]
    receipt_form_phone: ReceiptForm = DEFAULT_RECEIPT_FORMS[Channel.PHONE]
    #: The public address where `/files/` of this server is proxied: the department e-mail then
    #: carries signed links to the appeal's files (FILES_LINK_SECRET signs them).
    files_public_url: str | None = None
    files_link_secret: SecretStr | None = None
    #: A message being sent by a process that died is sent again after this many seconds.
    outbox_lease_seconds: int = Field(default=120, ge=1, le=3600)
    #: On SIGTERM, updates being handled and replies being sent get this long to finish; what
    #: does not finish is kept in the inbox and outbox for the next start.
    shutdown_grace_seconds: float = Field(default=10.0, ge=0, le=300)
    #: Handled updates are kept this long (a replay within it is recognised), then forgotten.
    inbox_retention_days: int = Field(default=7, ge=2, le=365)

    #: /readyz is not ready while an undelivered outbox message is older than this.
    ready_outbox_max_age_seconds: int = Field(default=900, ge=10, le=7 * 24 * 3600)

    log_level: str = Field(default="INFO", pattern="(?i)^(debug|info|warning|error|critical)$")
    #: json: one JSON object a line (for log collectors); text: for reading in a terminal.
    log_format: str = Field(default="json", pattern="^(json|text)$")

    @field_validator(
        "telegram_api_url",
        "telegram_webhook_url",
        "viber_webhook_url",
        "viber_api_url",
        "viber_bot_avatar",
        "smtp_host",
        "smtp_user",
        "smtp_from",
        "departments_file",
        "categories_file",
        "locales_dir",
        "files_public_url",
        mode="before",
    )
    @classmethod
    def empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def webhooks_are_safe(self) -> "Settings":
        for name in ("telegram_webhook_url", "viber_webhook_url"):
            url = getattr(self, name)
            if url is None:
                continue
            parts = urlsplit(url)
            local = parts.hostname in ("127.0.0.1", "localhost", "::1")
            if parts.scheme != "https" and not (parts.scheme == "http" and local):
                raise ValueError(f"{name.upper()} must be an https:// address")
        if self.viber_auth_token is not None and not self.viber_webhook_url:
            raise ValueError(
                "VIBER_WEBHOOK_URL must be set with VIBER_AUTH_TOKEN: Viber only calls webhooks"
            )
        if self.telegram_webhook_url:
            secret = self.telegram_webhook_secret
            if secret is None or not WEBHOOK_SECRET.fullmatch(secret.get_secret_value()):
                raise ValueError(
                    "TELEGRAM_WEBHOOK_SECRET must be set in webhook mode: 1-256 characters of "
                    "A-Z, a-z, 0-9, _ and -"
                )
        return self

    @field_validator(
        "telegram_bot_token",
        "viber_auth_token",
        "telegram_webhook_secret",
        "smtp_password",
        "files_link_secret",
        mode="after",
    )
    @classmethod
    def refuse_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value().strip()
        if not secret:
            return None
        if any(marker in secret.lower() for marker in PLACEHOLDER_MARKERS):
            raise ValueError("is still the placeholder from .env.example; set the real value")
        return SecretStr(secret)

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("index_collective_template")
    @classmethod
    def valid_templates(cls, value: str) -> str:
        IndexFormat(collective_template=value).validate()
        return value

    @field_validator("index_template")
    @classmethod
    def valid_template(cls, value: str) -> str:
        IndexFormat(template=value).validate()
        return value

    @field_validator("categories_file")
    @classmethod
    def valid_categories(cls, value: Path | None) -> Path | None:
        if value is not None:
            read_categories(value)
        return value

    def categories(self) -> tuple[EverydayCategory, ...]:
        return read_categories(self.categories_file or example_categories_file())

    def catalogs(self) -> Catalogs:
        return Catalogs(self.locales_dir or DEFAULT_DIRECTORY, default=self.default_locale)

    def conversation_config(self) -> ConversationConfig:
        return ConversationConfig(
            council_name_uk=self.council_name_uk,
            council_name_en=self.council_name_en,
            calendar=WorkCalendar(
                day_off_rule=self.day_off_rule,
                after_hours_next_day=self.after_hours_next_day,
                work_start=self.work_start,
                work_end=self.work_end,
                holidays=frozenset(self.holidays),
                timezone=ZoneInfo(self.timezone),
            ),
            index_format=IndexFormat(self.index_template, self.index_collective_template),
            default_term=self.default_term,
            max_file_bytes=self.max_file_mb * 1024 * 1024,
            max_files_per_day=self.max_files_per_day,
            max_bytes_per_day=self.max_file_mb_per_day * 1024 * 1024,
            retention_years=self.retention_years,
            outbox_retention_days=self.outbox_retention_days,
            draft_file_days=self.draft_file_days,
            council_contacts_uk=self.council_contacts_uk,
            council_contacts_en=self.council_contacts_en,
            offline_filing_uk=self.offline_filing_uk,
            offline_filing_en=self.offline_filing_en,
            digest_time=self.digest_time,
            auto_close_days=self.auto_close_days,
            categories=self.categories(),
            receipt_forms={
                Channel.ELECTRONIC: self.receipt_form_electronic,
                Channel.POST: self.receipt_form_post,
                Channel.IN_PERSON: self.receipt_form_in_person,
                Channel.PHONE: self.receipt_form_phone,
            },
            answer_control=self.answer_control,
            higher_body_uk=self.higher_body_uk,
            higher_body_en=self.higher_body_en,
            head_title_uk=self.head_title_uk,
            head_title_en=self.head_title_en,
            head_office_department=self.head_office_department,
        )
