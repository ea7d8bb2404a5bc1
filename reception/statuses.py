"""Appeal statuses and the transitions the law and the record-keeping instruction allow."""

from enum import StrEnum

from reception.markers import N_


class Status(StrEnum):
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ON_REVIEW = "on_review"  # the executor's answer awaits the CNAP's control before it is sent
    ANSWERED = "answered"
    CLOSED = "closed"
    FORWARDED = "forwarded"  # Art. 7: sent to the competent body
    RETURNED = "returned"  # Art. 5, 7: returned to the author with an explanation
    NOT_CONSIDERED = "not_considered"  # Art. 8, with a reason from its closed list
    WITHDRAWN = "withdrawn"


_OPEN_EXITS = frozenset(
    {Status.FORWARDED, Status.RETURNED, Status.NOT_CONSIDERED, Status.WITHDRAWN}
)

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.REGISTERED: _OPEN_EXITS | {Status.ASSIGNED},
    Status.ASSIGNED: _OPEN_EXITS
    | {Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_REVIEW, Status.ANSWERED},
    Status.IN_PROGRESS: _OPEN_EXITS | {Status.ASSIGNED, Status.ON_REVIEW, Status.ANSWERED},
    # Approved: sent to the citizen; sent back for rework: to the executor (or the department).
    Status.ON_REVIEW: frozenset(
        {Status.ANSWERED, Status.IN_PROGRESS, Status.ASSIGNED, Status.WITHDRAWN}
    ),
    # An answer that did not solve the problem is not reopened: the author's "not solved" closes
    # it and registers a repeated appeal (or a complaint, Art. 16) with its own index and term.
    Status.ANSWERED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.FORWARDED: frozenset(),
    Status.RETURNED: frozenset(),
    Status.NOT_CONSIDERED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

#: Statuses in which the appeal is still under consideration ("on control").
OPEN_STATUSES = frozenset(
    {Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_REVIEW}
)

#: Consideration has ended — answered, closed, or ended without an answer on the merits.
FINISHED_STATUSES = frozenset(Status) - OPEN_STATUSES

#: Awaiting the operators' triage.
QUEUE_STATUSES = frozenset({Status.REGISTERED})
#: With a department, so reminders of the due date go to its executors.
IN_WORK_STATUSES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})

STATUS_NAMES: dict[Status, str] = {
    Status.REGISTERED: N_("registered"),
    Status.ASSIGNED: N_("sent to the responsible body"),
    Status.IN_PROGRESS: N_("in progress"),
    Status.ON_REVIEW: N_("answer on review"),
    Status.ANSWERED: N_("answered"),
    Status.CLOSED: N_("closed"),
    Status.FORWARDED: N_("forwarded to the competent body"),
    Status.RETURNED: N_("returned to the author"),
    Status.NOT_CONSIDERED: N_("not considered"),
    Status.WITHDRAWN: N_("withdrawn by the author"),
}


class TransitionError(ValueError):
    def __init__(self, current: Status, target: Status) -> None:
        super().__init__(f"an appeal cannot go from {current} to {target}")
        self.current = current
        self.target = target


def can_transition(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def ensure_transition(current: Status, target: Status) -> None:
    if not can_transition(current, target):
        raise TransitionError(current, target)


def is_open(status: Status) -> bool:
    return status in OPEN_STATUSES


def as_citizen_sees(status: Status) -> Status:
    """An answer on the CNAP's review is not yet an answer: the citizen sees the appeal in work."""
    return Status.IN_PROGRESS if status is Status.ON_REVIEW else status
