"""E-mail to the executive bodies through SMTP (aiosmtplib), for the outbox."""

import logging
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

import aiosmtplib

from bot.delivery import DeliveryFailed
from bot.settings import Settings
from bot.signed_files import SignedFiles

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30


class EmailSender:
    def __init__(self, settings: Settings, links: SignedFiles | None = None) -> None:
        if not settings.smtp_host or not settings.smtp_from:
            raise ValueError("SMTP_HOST and SMTP_FROM are needed to send e-mail")
        self._settings = settings
        self._links = links

    def body(self, payload: Mapping[str, Any]) -> str:
        """The outbox payload's text, and its files as signed links (or their names only,
        when this deployment publishes no file address)."""
        body = str(payload.get("body", ""))
        files = payload.get("files") or []
        if not files:
            return body
        lines = [body, "", str(payload.get("files_heading", ""))]
        for file in files:
            name = str(file.get("name", ""))
            if self._links is not None:
                lines.append(f"{name}: {self._links.url(str(file.get('key', '')), name)}")
            else:
                lines.append(name)
        if self._links is None:
            lines.append(str(payload.get("files_unlinked", "")))
        return "\n".join(lines)

    async def send(self, to: str, subject: str, body: str) -> None:
        settings = self._settings
        message = EmailMessage()
        message["From"] = str(settings.smtp_from)
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user,
                password=password,
                start_tls=settings.smtp_starttls,
                timeout=SMTP_TIMEOUT_SECONDS,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise DeliveryFailed("recipient refused", permanent=True) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            log.warning("smtp delivery failed: %s", type(error).__name__)
            raise DeliveryFailed("smtp unavailable", permanent=False) from error
