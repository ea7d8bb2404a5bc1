"""The classifier of citizens' appeals (CMU resolution No. 858), kept as editable data.

Topic numbering comes from secondary sources: each entry says whether it was checked against the
official text. Citizens choose everyday categories (`reception/categories.py`, a settings file)
that map to these topics.
"""

from dataclasses import dataclass
from enum import StrEnum

from reception.markers import N_


@dataclass(frozen=True)
class Topic:
    code: str
    name: str  # English msgid; translated where shown
    verified: bool


TOPICS: tuple[Topic, ...] = (
    Topic("001", N_("Industrial policy"), False),
    Topic("002", N_("Agrarian policy and land relations"), False),
    Topic("003", N_("Transport and communications"), False),
    Topic("004", N_("Economy, prices, investment, construction, entrepreneurship"), False),
    Topic("005", N_("Finance, taxes, customs"), False),
    Topic("006", N_("Social protection"), False),
    Topic("007", N_("Labour and wages"), False),
    Topic("008", N_("Health care"), False),
    Topic("009", N_("Communal services"), False),
    Topic("010", N_("Housing"), False),
    Topic("011", N_("Ecology and natural resources"), False),
    Topic("012", N_("Legality, law enforcement, citizens' rights"), False),
    Topic("013", N_("Family, children, youth, gender equality, sport"), False),
    Topic("014", N_("Culture, cultural heritage, tourism"), False),
    Topic("015", N_("Education and science"), False),
    Topic("016", N_("Information policy and media"), False),
    Topic("017", N_("Civic associations, religion"), False),
    Topic("018", N_("Parliament, President, Cabinet of Ministers"), False),
    Topic("019", N_("Central executive bodies"), False),
    Topic("020", N_("Local executive bodies"), False),
    Topic("021", N_("Local self-government"), False),
    Topic("022", N_("Defence, sovereignty, international relations"), False),
    Topic("023", N_("State building, administrative-territorial structure"), False),
    Topic("024", N_("Corruption"), False),
    Topic("025", N_("Other"), False),
)

TOPICS_BY_CODE: dict[str, Topic] = {topic.code: topic for topic in TOPICS}


class Result(StrEnum):
    """Classifier 9.x: the result of consideration. 9.4–9.6 meanings are unverified."""

    RESOLVED = "9.1"
    REFUSED = "9.2"
    EXPLAINED = "9.3"
    RETURNED = "9.4"
    FORWARDED = "9.5"
    STOPPED = "9.6"


RESULT_NAMES: dict[Result, str] = {
    Result.RESOLVED: N_("resolved positively"),
    Result.REFUSED: N_("refused"),
    Result.EXPLAINED: N_("explained"),
    Result.RETURNED: N_("returned to the author"),
    Result.FORWARDED: N_("forwarded by competence"),
    Result.STOPPED: N_("consideration stopped"),
}

#: The results an executor may give to an answer; the others follow from a status change.
ANSWER_RESULTS = (Result.RESOLVED, Result.REFUSED, Result.EXPLAINED)


class ReceiptForm(StrEnum):
    """Classifier 1.x, "by form of receipt". 1.1 and 1.6 are checked (`../shared/LAW.md`: the
    published council reports file e-mail and electronic appeals under 1.1, "by post (e-mail)";
    1.6 is "from other bodies, institutions, organisations"); 1.2–1.5 are as a copy of the
    classifier's table reproduces them (unverified). Which code each way of receipt is filed
    under is a setting (`RECEIPT_FORM_*`): these are the defaults."""

    POST = "1.1"
    IN_PERSON = "1.2"
    AUTHORISED_PERSON = "1.3"
    AUTHORITIES = "1.4"
    MEDIA = "1.5"
    OTHER_BODIES = "1.6"


RECEIPT_FORM_NAMES: dict[ReceiptForm, str] = {
    ReceiptForm.POST: N_("by post (e-mail, electronic)"),
    ReceiptForm.IN_PERSON: N_("at a personal reception"),
    ReceiptForm.AUTHORISED_PERSON: N_("through an authorised person"),
    ReceiptForm.AUTHORITIES: N_("through the authorities"),
    ReceiptForm.MEDIA: N_("through the media"),
    ReceiptForm.OTHER_BODIES: N_("from other bodies, institutions, organisations"),
}

#: The codes checked against the classifier's text (see `../shared/LAW.md`).
VERIFIED_RECEIPT_FORMS = frozenset({ReceiptForm.POST, ReceiptForm.OTHER_BODIES})


class Channel(StrEnum):
    """How an appeal reached the council: the receipt form follows from it (a setting each)."""

    ELECTRONIC = "electronic"
    POST = "post"
    IN_PERSON = "in_person"
    PHONE = "phone"


#: The default receipt form of each way in. Electronic appeals count as written ones sent by
#: post (1.1). A telephone call has no code of its own in the table we could check: it is
#: taken down as an oral appeal, like one at a personal reception (1.2) — unverified.
DEFAULT_RECEIPT_FORMS: dict[Channel, ReceiptForm] = {
    Channel.ELECTRONIC: ReceiptForm.POST,
    Channel.POST: ReceiptForm.POST,
    Channel.IN_PERSON: ReceiptForm.IN_PERSON,
    Channel.PHONE: ReceiptForm.IN_PERSON,
}


@dataclass(frozen=True)
class AuthorCategory:
    code: str
    name: str
    #: Checked against `../shared/LAW.md` (7.1, 7.5, 7.7–7.9, 7.16); the rest follow a copy of
    #: the classifier's table whose numbering agrees with every checked code.
    verified: bool
    #: Art. 15: considered personally by the city's head.
    head_considers: bool = False


#: Classifier 7.x, "by category of authors", numbered as the published council reports have it.
AUTHOR_CATEGORIES: tuple[AuthorCategory, ...] = (
    AuthorCategory("7.1", N_("War participant"), True),
    AuthorCategory("7.2", N_("Child of war"), False),
    AuthorCategory(
        "7.3", N_("Person with a disability from the Second World War"), False, head_considers=True
    ),
    AuthorCategory("7.4", N_("Person with a disability due to war"), False, head_considers=True),
    AuthorCategory("7.5", N_("Combat veteran"), True),
    AuthorCategory("7.6", N_("Labour veteran"), False),
    AuthorCategory("7.7", N_("Person with a group I disability"), True),
    AuthorCategory("7.8", N_("Person with a group II disability"), True),
    AuthorCategory("7.9", N_("Person with a group III disability"), True),
    AuthorCategory("7.10", N_("Child with a disability"), False),
    AuthorCategory("7.11", N_("Single mother"), False),
    AuthorCategory("7.12", N_("Mother-heroine"), False),
    AuthorCategory("7.13", N_("Large family"), False),
    AuthorCategory("7.14", N_("Person affected by the Chornobyl disaster"), False),
    AuthorCategory("7.15", N_("Chornobyl clean-up participant"), False),
    AuthorCategory("7.16", N_("Hero of Ukraine"), True, head_considers=True),
    AuthorCategory("7.17", N_("Hero of the Soviet Union"), False, head_considers=True),
    AuthorCategory("7.18", N_("Hero of Socialist Labour"), False, head_considers=True),
)

AUTHOR_CATEGORIES_BY_CODE: dict[str, AuthorCategory] = {c.code: c for c in AUTHOR_CATEGORIES}

#: The 7.x codes before the renumbering (migration 0008) and what each became; categories the
#: classifier has no code for (a family of a fallen defender, a displaced person, "other", a
#: disability without its group) lose the code — the privilege flag stays, and an operator may
#: pick the right one with /classify.
OLD_AUTHOR_CATEGORIES: dict[str, str | None] = {
    "7.1": "7.5",
    "7.2": "7.4",
    "7.3": "7.1",
    "7.4": None,
    "7.5": "7.6",
    "7.6": "7.2",
    "7.7": None,
    "7.8": "7.14",
    "7.9": "7.16",
    "7.10": "7.13",
    "7.11": None,
    "7.12": None,
}


def head_considers(category: str | None) -> bool:
    """Art. 15: an appeal from a person of this category is considered by the city's head
    personally."""
    found = AUTHOR_CATEGORIES_BY_CODE.get(category or "")
    return found is not None and found.head_considers
