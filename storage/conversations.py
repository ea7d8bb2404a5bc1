"""Where each account is in the conversation, drafts included."""

from datetime import datetime

from sqlalchemy import bindparam, insert, select, update

from storage.errors import Conflict
from storage.models import ConversationState
from storage.prebuilt import Prebuilt
from storage.records import StateRecord
from storage.tx import Repository, Tx

#: A step's one write, built once (issue 14): the state moves on only from the version read.
_SAVE = Prebuilt(
    update(ConversationState)
    .where(
        ConversationState.account_id == bindparam("b_account_id"),
        ConversationState.version == bindparam("b_version"),
    )
    .values(
        version=bindparam("b_next"),
        step=bindparam("b_step"),
        data=bindparam("b_data"),
        updated_at=bindparam("b_now"),
    )
)

_FIRST = Prebuilt(
    insert(ConversationState).values(
        account_id=bindparam("b_account_id"),
        version=0,
        step=bindparam("b_step"),
        data=bindparam("b_data"),
        updated_at=bindparam("b_now"),
    )
)


class ConversationRepository(Repository):
    def __init__(self, tx: Tx) -> None:
        super().__init__(tx)
        #: The version each state row had when this unit of work read it; None: no row.
        self._versions: dict[int, int | None] = {}

    def known(self, account_id: int, version: int | None) -> None:
        """The state's version as read by the step's one query (`storage.turns`)."""
        self._versions[account_id] = version

    async def load(self, account_id: int) -> StateRecord | None:
        row = (
            await self._session.execute(
                select(
                    ConversationState.step, ConversationState.data, ConversationState.version
                ).where(ConversationState.account_id == account_id)
            )
        ).one_or_none()
        if row is None:
            self._versions[account_id] = None
            return None
        self._versions[account_id] = int(row[2])
        return StateRecord(row[0], dict(row[1]))

    async def save(self, account_id: int, state: StateRecord, now: datetime) -> None:
        """One statement. No row lock is held while the step runs: the write succeeds only if
        the row is still the version read (compare-and-set); otherwise another transaction
        handled an update of this account meanwhile, and `Conflict` makes the caller retry on
        what it did."""
        if account_id not in self._versions:
            await self.load(account_id)
        version = self._versions[account_id]
        values = {"step": state.step, "data": dict(state.data), "updated_at": now}
        if version is not None:
            connection = self._tx.connection
            result = await _SAVE.run(
                connection,
                {
                    "b_account_id": account_id,
                    "b_version": version,
                    "b_next": version + 1,
                    "b_step": state.step,
                    "b_data": values["data"],
                    "b_now": now,
                },
            )
            if result.rowcount == 1:
                self._versions[account_id] = version + 1
                return
            still = select(ConversationState.version).where(
                ConversationState.account_id == account_id
            )
            if await self._session.scalar(still) is not None:
                raise Conflict("the conversation state changed meanwhile")
            # Deleted in this unit of work (the person erased their data): start afresh.
        # A row that another transaction inserted meanwhile is a unique violation: `Conflict`.
        await _FIRST.run(
            self._tx.connection,
            {
                "b_account_id": account_id,
                "b_step": state.step,
                "b_data": values["data"],
                "b_now": now,
            },
        )
        self._versions[account_id] = 0
