"""Registration indexes (Instruction No. 348): the first letter of the author's surname and the
year's sequence number, e.g. `Ш-123`; collective appeals marked `КО`. The exact syntax is not
verified, so both templates are settings."""

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class IndexFormat:
    template: str = "{letter}-{number}"
    collective_template: str = "КО-{number}"

    def validate(self) -> None:
        """Raise ValueError when a template would not produce a distinct index per number."""
        for template in (self.template, self.collective_template):
            if "{number}" not in template:
                raise ValueError(f"index template {template!r} must contain {{number}}")
            try:
                template.format(letter="А", number=1, year=2026, yy="26")
            except (KeyError, IndexError, ValueError) as error:
                raise ValueError(f"index template {template!r} is malformed") from error


def surname_letter(surname: str) -> str:
    for char in surname:
        # Letters proper: the Ukrainian apostrophe U+02BC is a "modifier letter" (Lm).
        if unicodedata.category(char) in ("Lu", "Ll", "Lt", "Lo"):
            return char.upper()
    raise ValueError("a surname must contain a letter")


def format_index(
    fmt: IndexFormat, *, surname: str, collective: bool, number: int, year: int
) -> str:
    template = fmt.collective_template if collective else fmt.template
    letter = "" if collective else surname_letter(surname)
    return template.format(letter=letter, number=number, year=year, yy=f"{year % 100:02d}")
