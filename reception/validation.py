"""What an appeal's fields must look like (Art. 5), checked before anything is stored."""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

MAX_MESSAGE_CHARS = 4000
MAX_APPEAL_CHARS = 20000
MAX_NAME_PART_CHARS = 60
MIN_RESIDENCE_CHARS = 5
MAX_RESIDENCE_CHARS = 300
MAX_LOCATION_CHARS = 300
MAX_EMAIL_CHARS = 254
MAX_REASON_CHARS = 1000

#: The Ukrainian apostrophe is U+02BC; people type any of these.
APOSTROPHES = "'’ʼ`´‘"
APOSTROPHE = "ʼ"
HYPHENS = "-‐‑–"

# Latin letters that look like Cyrillic ones: a Cyrillic word typed with a few of them is
# almost always a keyboard-layout slip, not a different name.
_LATIN_TO_CYRILLIC = str.maketrans(
    "aceiopxyABCEHIKMOPTX",
    "асеіорхуАВСЕНІКМОРТХ",
)


class NameProblem(StrEnum):
    PARTS = "parts"
    CHARACTERS = "characters"
    MIXED_SCRIPTS = "mixed_scripts"
    TOO_LONG = "too_long"


#: Art. 5 asks for the surname, first name and patronymic; a patronymic only "if any" — a
#: foreign name has none, and some people carry a double first name: one to four words.
MIN_NAME_WORDS = 1
MAX_NAME_WORDS = 4


@dataclass(frozen=True)
class FullName:
    surname: str
    given_name: str = ""
    #: The rest of the name (a patronymic, or a second given name); empty when there is none.
    patronymic: str = ""

    def __str__(self) -> str:
        return full_name(self.surname, self.given_name, self.patronymic)


def full_name(*parts: str | None) -> str:
    """The name as written, without the gaps of parts a person does not have."""
    return " ".join(part for part in parts if part)


#: Direction overrides and isolates: invisible, and they make "gpj.exe" read as "exe.jpg".
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _kept(ch: str) -> bool:
    """Real control characters and lone surrogates go; format characters stay (the zero-width
    joiner holds 👨‍👩‍👧 together, tags make flags), and so do code points this Python does not
    know yet (emoji newer than its Unicode tables)."""
    if ch in "\n\t":
        return True
    category = unicodedata.category(ch)
    return category not in ("Cc", "Cs") and ch not in BIDI_CONTROLS


def clean_text(text: str) -> str:
    """Unicode-normalised text without control characters, with runs of spaces collapsed per line."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if _kept(ch))
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(lines).strip()


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    if name.startswith("LATIN"):
        return "latin"
    return "other"


def _fix_part(part: str) -> str | NameProblem:
    for apostrophe in APOSTROPHES:
        part = part.replace(apostrophe, APOSTROPHE)
    for hyphen in HYPHENS:
        part = part.replace(hyphen, "-")
    if len(part) > MAX_NAME_PART_CHARS:
        return NameProblem.TOO_LONG
    if not re.fullmatch(r"[^\W\d_]+(?:[ʼ-][^\W\d_]+)*", part):
        return NameProblem.CHARACTERS
    scripts = {_script(ch) for ch in part if ch.isalpha() and ch != APOSTROPHE}
    if "other" in scripts:
        return NameProblem.CHARACTERS
    if scripts == {"cyrillic", "latin"}:
        fixed = part.translate(_LATIN_TO_CYRILLIC)
        if any(_script(ch) == "latin" for ch in fixed if ch.isalpha()):
            return NameProblem.MIXED_SCRIPTS
        part = fixed
    return part[:1].upper() + part[1:]


def parse_full_name(text: str) -> FullName | NameProblem:
    """ПІБ (Art. 5): the surname, then the first name and the patronymic if any; letters,
    apostrophes and hyphens only, in Cyrillic or Latin letters ("Smith John")."""
    parts = clean_text(text).replace("\n", " ").split()
    if not MIN_NAME_WORDS <= len(parts) <= MAX_NAME_WORDS:
        return NameProblem.PARTS
    fixed: list[str] = []
    for part in parts:
        result = _fix_part(part)
        if isinstance(result, NameProblem):
            return result
        fixed.append(result)
    rest = " ".join(fixed[2:])
    if len(rest) > MAX_NAME_PART_CHARS:
        return NameProblem.TOO_LONG
    return FullName(fixed[0], fixed[1] if len(fixed) > 1 else "", rest)


_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}"
)


def normalize_email(text: str) -> str | None:
    email = clean_text(text)
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(email):
        return None
    local, domain = email.rsplit("@", 1)
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    return f"{local}@{domain.lower()}"


class ResidenceProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NO_LETTERS = "no_letters"
    #: A settlement alone ("Луцьк"): no street, so the author cannot be written to.
    NO_STREET = "no_street"


#: Words that name a settlement's kind, not the settlement: "м. Луцьк" is one name, not two.
_SETTLEMENT_WORDS = frozenset(["м", "мт", "місто", "смт", "селище", "city", "town"])
#: A region or the country names no settlement: "Волинська обл." and "Україна" are not one.
_REGION_WORDS = frozenset(["обл", "область", "р-н", "район", "region", "oblast", "district"])
_COUNTRY_WORDS = frozenset(["україна", "ukraine", "ua"])
#: A village may have no streets: its name and a house number are a place to write to.
_VILLAGE_WORDS = frozenset(["с", "село", "сел", "village"])
#: Words that say a street is named (Ukrainian and Latin: a resident abroad writes "ul.", "St").
_STREET_WORDS = frozenset(
    [
        *("вул", "вулиця", "пр", "пр-т", "просп", "проспект", "пров", "провулок", "бул"),
        *("бульв", "бульвар", "пл", "площа", "майдан", "наб", "набережна", "узвіз", "шосе"),
        *("тупик", "мкр", "мікрорайон", "кв-л", "квартал", "st", "street", "str", "ave"),
        *("avenue", "rd", "road", "sq", "square", "lane", "ln", "blvd", "ul", "ulica", "al"),
        "aleja",
    ]
)
#: Words for the house and flat: part of an address, but not a name.
_HOUSE_WORDS = frozenset(["буд", "будинок", "кв", "квартира", "корп", "корпус"])
_HOUSE_WORDS |= frozenset(["apt", "flat", "house", "no"])
_PLACE_WORDS = (
    _SETTLEMENT_WORDS | _REGION_WORDS | _COUNTRY_WORDS | _VILLAGE_WORDS | _STREET_WORDS
) | _HOUSE_WORDS


def _words(text: str) -> list[str]:
    return [w.casefold() for w in re.findall(r"[^\W\d_]+(?:[ʼ'’-][^\W\d_]+)*", text)]


def _names(words: list[str]) -> int:
    """Proper names among the words, less a region's ("Волинська" before "обл.")."""
    near_region = {i - 1 for i, word in enumerate(words) if word in _REGION_WORDS}
    return sum(
        1
        for i, word in enumerate(words)
        if len(word) > 1 and word not in _PLACE_WORDS and i not in near_region
    )


def _has_street(text: str) -> bool:
    """A settlement and a street: two names, one of them marked as a street ("вул.") or
    followed by a house number; or a village's name and a house number. A settlement with its
    region or country ("Луцьк, Україна", "м. Луцьк, Волинська обл.") has no street."""
    words = _words(text)
    names = _names(words)
    numbered = re.search(r"\d", text) is not None
    if names >= 2 and (numbered or any(w in _STREET_WORDS for w in words)):
        return True
    return names >= 1 and numbered and any(w in _VILLAGE_WORDS for w in words)


def check_residence(text: str) -> str | ResidenceProblem:
    """Art. 5, 8: a place of residence is required; without it the appeal is anonymous. A
    place to write to needs a settlement and a street (see `_has_street`)."""
    residence = clean_text(text).replace("\n", ", ")
    if len(residence) > MAX_RESIDENCE_CHARS:
        return ResidenceProblem.TOO_LONG
    if sum(ch.isalpha() for ch in residence) < 3:
        return ResidenceProblem.NO_LETTERS
    if len(residence) < MIN_RESIDENCE_CHARS:
        return ResidenceProblem.TOO_SHORT
    if not _has_street(residence):
        return ResidenceProblem.NO_STREET
    return residence


def has_substance(text: str) -> bool:
    """An appeal's text must state an issue: some words, not only symbols or emoji."""
    return sum(ch.isalpha() for ch in text) >= 10
