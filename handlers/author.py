"""What an employee may see of an appeal's author: the one place Art. 10 masking is written, so
the card, the department's e-mail and any list cannot drift apart."""

from dataclasses import dataclass

from handlers.speaker import Words
from reception.roles import Role, sees_identity
from reception.validation import full_name
from storage.records import AppealRecord


@dataclass(frozen=True)
class AuthorAsSeen:
    """The author's details as a role may see them: the words for "hidden" in their place."""

    identity: bool
    name: str
    residence: str
    #: Empty when the author gave none (the answer goes to the chat, Art. 5).
    phone: str
    email: str | None
    #: The co-authors a collective appeal names, one a line; empty when none are named.
    coauthors: str = ""


def author_as_seen(words: Words, role: Role, appeal: AppealRecord) -> AuthorAsSeen:
    """Art. 10 of the Law "On Citizens' Appeals": at the author's request their name, residence
    and contacts are not disclosed to the executor; `reception.roles` decides who that is."""
    if sees_identity(role, confidential=appeal.confidential):
        return AuthorAsSeen(
            identity=True,
            name=full_name(appeal.surname, appeal.given_name, appeal.patronymic),
            residence=appeal.residence,
            phone=appeal.phone,
            email=appeal.email,
            coauthors=appeal.coauthor_names or "",
        )
    hidden = words._("hidden at the author's request (Art. 10)")
    return AuthorAsSeen(
        identity=False,
        name=hidden,
        residence=hidden,
        phone=hidden,
        email=None,
        coauthors=hidden if appeal.coauthor_names else "",
    )
