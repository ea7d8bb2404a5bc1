"""Phone numbers checked by `phonenumbers` (Google's libphonenumber data): here, not in
`reception/`, which depends on the standard library only."""

import re

import phonenumbers

from reception.validation import clean_text

#: E.164 holds at most 15 digits after the plus (and the column is 16 characters).
MAX_PHONE_CHARS = 16


def normalize_phone(text: str) -> str | None:
    """A valid phone number in E.164 (+380501234567), Ukrainian when written without a country
    code, any country's with one; None when it is not a real number (`123456789`)."""
    raw = clean_text(text)
    if not re.fullmatch(r"\+?[\d\s()\-.]{7,24}", raw):
        return None
    try:
        number = phonenumbers.parse(raw, "UA")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return formatted if len(formatted) <= MAX_PHONE_CHARS else None
