"""The classifier of citizens' appeals (CMU resolution No. 858), kept as editable data.

Topic numbering comes from secondary sources: each entry says whether it was checked against the
official text. `citizen_menu` marks the topics a city council's residents are offered when they file;
operators may reclassify an appeal under any topic.
"""

from dataclasses import dataclass
from enum import StrEnum

from reception.markers import N_


@dataclass(frozen=True)
class Topic:
    code: str
    name: str  # English msgid; translated where shown
    verified: bool
    citizen_menu: bool


TOPICS: tuple[Topic, ...] = (
    Topic("001", N_("Industrial policy"), False, False),
    Topic("002", N_("Agrarian policy and land relations"), False, True),
    Topic("003", N_("Transport and communications"), False, True),
    Topic("004", N_("Economy, prices, investment, construction, entrepreneurship"), False, True),
    Topic("005", N_("Finance, taxes, customs"), False, False),
    Topic("006", N_("Social protection"), False, True),
    Topic("007", N_("Labour and wages"), False, False),
    Topic("008", N_("Health care"), False, True),
    Topic("009", N_("Communal services"), False, True),
    Topic("010", N_("Housing"), False, True),
    Topic("011", N_("Ecology and natural resources"), False, True),
    Topic("012", N_("Legality, law enforcement, citizens' rights"), False, True),
    Topic("013", N_("Family, children, youth, gender equality, sport"), False, True),
    Topic("014", N_("Culture, cultural heritage, tourism"), False, True),
    Topic("015", N_("Education and science"), False, True),
    Topic("016", N_("Information policy and media"), False, False),
    Topic("017", N_("Civic associations, religion"), False, False),
    Topic("018", N_("Parliament, President, Cabinet of Ministers"), False, False),
    Topic("019", N_("Central executive bodies"), False, False),
    Topic("020", N_("Local executive bodies"), False, False),
    Topic("021", N_("Local self-government"), False, True),
    Topic("022", N_("Defence, sovereignty, international relations"), False, False),
    Topic("023", N_("State building, administrative-territorial structure"), False, False),
    Topic("024", N_("Corruption"), False, True),
    Topic("025", N_("Other"), False, True),
)

TOPICS_BY_CODE: dict[str, Topic] = {topic.code: topic for topic in TOPICS}
CITIZEN_TOPICS: tuple[Topic, ...] = tuple(topic for topic in TOPICS if topic.citizen_menu)


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
    """Classifier 1.x; the reception receives electronic appeals only (unverified code)."""

    ELECTRONIC = "1.6"


@dataclass(frozen=True)
class AuthorCategory:
    code: str
    name: str
    verified: bool
    #: Art. 15: considered personally by the city's head.
    head_considers: bool = False


#: Classifier 7.x as reconstructed from secondary sources: none of the codes is verified.
AUTHOR_CATEGORIES: tuple[AuthorCategory, ...] = (
    AuthorCategory("7.1", N_("Combat veteran"), False),
    AuthorCategory("7.2", N_("Person with a disability due to war"), False, head_considers=True),
    AuthorCategory("7.3", N_("War participant"), False),
    AuthorCategory("7.4", N_("Family member of a fallen defender"), False),
    AuthorCategory("7.5", N_("Labour veteran"), False),
    AuthorCategory("7.6", N_("Child of war"), False),
    AuthorCategory("7.7", N_("Person with a disability"), False),
    AuthorCategory("7.8", N_("Chornobyl clean-up participant or victim"), False),
    AuthorCategory(
        "7.9",
        N_("Hero of Ukraine, of the Soviet Union or of Socialist Labour"),
        False,
        head_considers=True,
    ),
    AuthorCategory("7.10", N_("Large family"), False),
    AuthorCategory("7.11", N_("Internally displaced person"), False),
    AuthorCategory("7.12", N_("Other privileged category"), False),
)

AUTHOR_CATEGORIES_BY_CODE: dict[str, AuthorCategory] = {c.code: c for c in AUTHOR_CATEGORIES}


def head_considers(category: str | None) -> bool:
    """Art. 15: an appeal from a person of this category is considered by the city's head
    personally."""
    found = AUTHOR_CATEGORIES_BY_CODE.get(category or "")
    return found is not None and found.head_considers
