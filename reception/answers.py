"""What an answer to an appeal must carry (Law Art. 15, 19) and who may sign it."""

from dataclasses import dataclass
from enum import StrEnum

from reception.classifier import Result
from reception.kinds import AppealKind

#: Words of a position that heads a body or deputises for its head. Art. 15 (and Art. 19 for
#: the duty to answer) has a complaint decided by the head of the body or a deputy.
HEAD_POSITION_WORDS = (
    "голова",
    "керівник",
    "начальник",
    "директор",
    "заступник",
    "head",
    "deputy",
    "director",
    "chief",
    "mayor",
)
MAX_SIGNATORY_NAME = 120
MAX_SIGNATORY_POSITION = 200


@dataclass(frozen=True)
class Signatory:
    name: str
    position: str


class AnswerProblem(StrEnum):
    NO_GROUNDS = "no_grounds"
    SIGNATORY_NOT_HEAD = "signatory_not_head"
    NO_SIGNATORY = "no_signatory"


def parse_signatory(text: str) -> Signatory | None:
    """ "Name; position" (a comma also separates); None when either part is missing or long."""
    separator = ";" if ";" in text else ","
    name, _, position = text.partition(separator)
    name, position = " ".join(name.split()), " ".join(position.split())
    if not name or not position:
        return None
    if len(name) > MAX_SIGNATORY_NAME or len(position) > MAX_SIGNATORY_POSITION:
        return None
    return Signatory(name, position)


def heads_a_body(position: str) -> bool:
    folded = position.casefold()
    return any(word in folded for word in HEAD_POSITION_WORDS)


def answer_problem(
    kind: str, result: Result, grounds: str | None, signatory: Signatory | None
) -> AnswerProblem | None:
    """Why this answer may not go to the citizen, or None."""
    if signatory is None:
        return AnswerProblem.NO_SIGNATORY
    # Art. 15, 19: a refusal states its grounds (and then how to appeal it).
    if result is Result.REFUSED and not (grounds or "").strip():
        return AnswerProblem.NO_GROUNDS
    # Art. 15: a complaint is decided by the head of the body or a deputy.
    if kind == AppealKind.COMPLAINT.value and not heads_a_body(signatory.position):
        return AnswerProblem.SIGNATORY_NOT_HEAD
    return None
