"""Who may do what in the reception."""

from enum import StrEnum

from reception.markers import N_


class Role(StrEnum):
    CITIZEN = "citizen"
    EXECUTOR = "executor"  # staff of one executive body
    OPERATOR = "operator"  # the CNAP citizens' appeals department
    ADMIN = "admin"


ROLE_NAMES: dict[Role, str] = {
    Role.CITIZEN: N_("citizen"),
    Role.EXECUTOR: N_("executor"),
    Role.OPERATOR: N_("operator"),
    Role.ADMIN: N_("administrator"),
}


class Permission(StrEnum):
    FILE_APPEAL = "file_appeal"
    VIEW_OWN = "view_own"
    VIEW_DEPARTMENT = "view_department"
    VIEW_ALL = "view_all"
    SEE_CONFIDENTIAL = (
        "see_confidential"  # Art. 10: the author's identity when they asked to hide it
    )
    TRIAGE = "triage"  # assign, forward, return, reject
    REVIEW = "review"  # the CNAP's control: approve an answer or return it for rework
    TAKE = "take"
    ANSWER = "answer"
    EXTEND = "extend"
    NOTE = "note"
    FIND = "find"
    STATS = "stats"
    INVITE = "invite"
    MANAGE_STAFF = "manage_staff"
    #: Correct an appeal's classifier codes (Instruction No. 348's card).
    CLASSIFY = "classify"
    #: Register an appeal received by phone, in person or by post for a citizen.
    REGISTER = "register"


_STAFF_COMMON = frozenset(
    {Permission.NOTE, Permission.FIND, Permission.ANSWER, Permission.VIEW_DEPARTMENT}
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CITIZEN: frozenset({Permission.FILE_APPEAL, Permission.VIEW_OWN}),
    Role.EXECUTOR: _STAFF_COMMON | {Permission.TAKE},
    Role.OPERATOR: _STAFF_COMMON
    | {
        Permission.VIEW_ALL,
        Permission.SEE_CONFIDENTIAL,
        Permission.TRIAGE,
        Permission.REVIEW,
        Permission.EXTEND,
        Permission.STATS,
        Permission.CLASSIFY,
        Permission.REGISTER,
    },
    Role.ADMIN: frozenset(Permission) - {Permission.FILE_APPEAL, Permission.VIEW_OWN},
}


def can(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def sees_identity(role: Role, *, confidential: bool) -> bool:
    """Art. 10: when the author asked, their name, residence and contacts are hidden from the
    executor. The one place that decides it: the card, the department's e-mail, /find (which
    for such a role matches a confidential appeal by its index and text only), lists, reports
    and exports all ask here."""
    return not confidential or can(role, Permission.SEE_CONFIDENTIAL)


def searches_authors(role: Role) -> bool:
    """/find may match a confidential appeal by its author's fields: only for a role that may
    see the author; otherwise a hit on a guessed name would unmask them (Art. 10)."""
    return sees_identity(role, confidential=True)


def sees_appeal(
    role: Role, *, is_author: bool, viewer_department: int | None, appeal_department: int | None
) -> bool:
    if can(role, Permission.VIEW_ALL):
        return True
    if can(role, Permission.VIEW_DEPARTMENT):
        return viewer_department is not None and viewer_department == appeal_department
    return is_author


def is_staff(role: Role) -> bool:
    return role is not Role.CITIZEN
