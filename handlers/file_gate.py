"""The question the file intake asks before it downloads anything (issue 11): nothing is fetched
for a person who has not consented or is not at a step that takes files."""

from handlers.flow import FILE_STEPS, FILING_STEPS
from handlers.kept import Kept
from handlers.steps import StepName
from reception.files import is_recording
from storage.records import AccountRecord, StateRecord
from storage.uow import UnitOfWork


def step_takes_files(state: StateRecord, name: str = "") -> bool:
    """The steps where a file is kept: the appeal's text, adding to an appeal, a staff answer,
    and any step of filing once a draft exists (a file sent there joins the draft). At the
    menu a voice or audio recording is the person saying their problem: it is offered for
    filing as typed words are."""
    if state.step == StepName.MENU:
        return is_recording(name)
    return state.step in FILE_STEPS or (
        state.step in FILING_STEPS and bool(state.data.get(Kept.DRAFT))
    )


async def accepts_files(
    uow: UnitOfWork, channel: str, external_user_id: str, notice_version: str, name: str = ""
) -> bool:
    """For the intake, before it downloads anything: may this person send files now? Only a
    known account whose person consented to the current notice and stands at a step that takes
    files. Reads only; call it inside the unit of work that stores the update."""
    account: AccountRecord | None = await uow.people.find_account(channel, external_user_id)
    if account is None:
        return False
    latest = await uow.people.consent(account.person_id)
    if latest is None or not latest[0] or latest[1] != notice_version:
        return False
    state = await uow.conversations.load(account.id)
    return state is not None and step_takes_files(state, name)
