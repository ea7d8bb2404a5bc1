"""Appeal kinds (Law Art. 3; classifier 3.x) and subjects (classifier 5.x)."""

from enum import StrEnum

from reception.markers import N_


class AppealKind(StrEnum):
    PROPOSAL = "3.1"
    APPLICATION = "3.2"
    COMPLAINT = "3.3"


class Subject(StrEnum):
    INDIVIDUAL = "5.1"
    COLLECTIVE = "5.2"


class ReceiptSign(StrEnum):
    """Classifier 2.x: whether the author wrote on this issue before."""

    FIRST = "2.1"
    REPEATED = "2.2"
    DUPLICATE = "2.3"
    MULTIPLE = "2.4"
    MASS = "2.5"


KIND_NAMES: dict[AppealKind, str] = {
    AppealKind.PROPOSAL: N_("Proposal"),
    AppealKind.APPLICATION: N_("Application"),
    AppealKind.COMPLAINT: N_("Complaint"),
}

KIND_EXPLANATIONS: dict[AppealKind, str] = {
    AppealKind.PROPOSAL: N_("advice on how the council and its bodies could work better"),
    AppealKind.APPLICATION: N_(
        "a request to help you exercise a right, or a report of a problem or violation"
    ),
    AppealKind.COMPLAINT: N_(
        "a demand to restore your right violated by a decision, act or inaction of a body or "
        "official"
    ),
}

RECEIPT_SIGN_NAMES: dict[ReceiptSign, str] = {
    ReceiptSign.FIRST: N_("first"),
    ReceiptSign.REPEATED: N_("repeated"),
    ReceiptSign.DUPLICATE: N_("duplicate"),
    ReceiptSign.MULTIPLE: N_("multiple"),
    ReceiptSign.MASS: N_("mass"),
}
