"""Why an appeal is not considered: the closed list of Art. 8."""

from enum import StrEnum

from reception.kinds import AppealKind
from reception.markers import N_


class NotConsidered(StrEnum):
    """Art. 8: the only reasons an appeal is not considered."""

    ANONYMOUS = "anonymous"
    REPEATED = "repeated"  # the same issue from the same person, already resolved on the merits
    LATE = "late"  # a complaint filed after the Art. 17 terms
    INCAPABLE = "incapable"  # the author was declared incapable by a court


#: Art. 8, 17: only a complaint can be filed late; for other kinds the reason does not exist.
def reason_fits(reason: NotConsidered, kind: str) -> bool:
    return reason is not NotConsidered.LATE or kind == AppealKind.COMPLAINT.value


NOT_CONSIDERED_NAMES: dict[NotConsidered, str] = {
    NotConsidered.ANONYMOUS: N_("the appeal is anonymous (Art. 8)"),
    NotConsidered.REPEATED: N_(
        "a repeated appeal on an issue already resolved on the merits (Art. 8)"
    ),
    NotConsidered.LATE: N_("the complaint was filed after the terms of Art. 17 (Art. 8)"),
    NotConsidered.INCAPABLE: N_("the author was declared incapable by a court (Art. 8)"),
}
