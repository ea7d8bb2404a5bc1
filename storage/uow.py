"""One unit of work per incoming event or job: repositories never commit, this commits once."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext
from datetime import datetime
from functools import cached_property
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, QueuePool
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.util.concurrency import greenlet_spawn

from storage import postgres_inline
from storage.api_keys import ApiKeyRepository
from storage.appeals import AppealRepository
from storage.control import ControlRepository
from storage.conversations import ConversationRepository
from storage.data_rights import DataRightsRepository
from storage.departments import DepartmentRepository
from storage.errors import Conflict
from storage.identity import IdentityRepository
from storage.inbox import Inbox
from storage.outbox import OutboxQueue, OutboxRepository
from storage.people import PeopleRepository
from storage.publication import PublicRepository
from storage.reports import ReportRepository
from storage.staff import StaffRepository
from storage.templates import TemplateRepository
from storage.turns import Turn, load_turn
from storage.tx import Tx

#: What opens a unit of work; callers outside storage name it without importing SQLAlchemy.
Sessions = async_sessionmaker[AsyncSession]


class UnitOfWork:
    """The repositories over one transaction; each is made when first used (a dialog step needs
    two or three of the fifteen, and it runs for every update), and so is the ORM session."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self._on_commit: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        """`action` runs once the transaction is committed, never when it is rolled back: what
        cannot be undone (deleting a file) must not happen for rows that stay."""
        self._on_commit.append(action)

    @property
    def session(self) -> AsyncSession:
        return self.tx.session

    @cached_property
    def people(self) -> PeopleRepository:
        return PeopleRepository(self.tx)

    @cached_property
    def appeals(self) -> AppealRepository:
        return AppealRepository(self.tx)

    @cached_property
    def conversations(self) -> ConversationRepository:
        return ConversationRepository(self.tx)

    @cached_property
    def departments(self) -> DepartmentRepository:
        return DepartmentRepository(self.tx)

    @cached_property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.tx)

    @cached_property
    def outbox_queue(self) -> OutboxQueue:
        return OutboxQueue(self.tx)

    @cached_property
    def inbox(self) -> Inbox:
        return Inbox(self.tx)

    @cached_property
    def staff(self) -> StaffRepository:
        return StaffRepository(self.tx)

    @cached_property
    def control(self) -> ControlRepository:
        return ControlRepository(self.tx)

    @cached_property
    def reports(self) -> ReportRepository:
        return ReportRepository(self.tx)

    @cached_property
    def identity(self) -> IdentityRepository:
        return IdentityRepository(self.tx)

    @cached_property
    def data_rights(self) -> DataRightsRepository:
        return DataRightsRepository(self.tx)

    @cached_property
    def templates(self) -> TemplateRepository:
        return TemplateRepository(self.tx)

    @cached_property
    def public(self) -> PublicRepository:
        return PublicRepository(self.tx)

    @cached_property
    def api_keys(self) -> ApiKeyRepository:
        return ApiKeyRepository(self.tx)

    async def turn(self, channel: str, external_id: str, now: datetime) -> Turn:
        """What a dialog step starts from, in one statement for a known account; a first
        contact creates the account and its person."""
        turn = await load_turn(self.tx.connection, channel, external_id, now)
        if turn is None:
            account, person = await self.people.first_contact(channel, external_id, now)
            turn = Turn(account, person, None, None, None)
        self.people.known_consent(turn.person.id, turn.consent)
        self.conversations.known(turn.account.id, turn.version)
        return turn


_gates: "WeakKeyDictionary[Engine, tuple[asyncio.AbstractEventLoop, asyncio.Semaphore]]" = (
    WeakKeyDictionary()
)


def _gate(engine: AsyncEngine) -> asyncio.Semaphore | None:
    """As many units of work at once as the pool has connections. The rest wait here, in
    order and without a deadline, instead of in the pool, whose timeout would turn a burst of
    updates into an "outage" and make the intake refuse the next ones (issue 14)."""
    sync = engine.sync_engine
    loop = asyncio.get_running_loop()
    known = _gates.get(sync)
    if known is not None and known[0] is loop:
        return known[1]
    pool = sync.pool
    if not isinstance(pool, QueuePool) or pool._max_overflow < 0:
        return None
    gate = asyncio.Semaphore(pool.size() + pool._max_overflow)
    _gates[sync] = (loop, gate)
    return gate


def _open(engine: Engine) -> Connection:
    connection = engine.connect()
    try:
        connection.begin()
    except BaseException:
        connection.close()
        raise
    return connection


def _finish(connection: Connection, commit: bool) -> None:
    try:
        if commit:
            connection.commit()
    finally:
        connection.close()  # rolls back what was not committed


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[UnitOfWork]:
    """Commits when the block ends normally, rolls back when it raises. A unique constraint
    that another transaction won is a `Conflict`, so callers retry without knowing SQLAlchemy.

    The connection is taken and begun in one switch to SQLAlchemy's synchronous core, and
    committed and returned in one more: `engine.begin()` makes four, and a task to close
    in, which cost more than a dialog step's statements (issue 14). On PostgreSQL the COMMIT
    itself goes straight to asyncpg first, as the statements do (storage.postgres_inline)."""
    engine: AsyncEngine = sessions.kw["bind"]
    gate = _gate(engine)
    try:
        async with gate or nullcontext():
            sync = await greenlet_spawn(_open, engine.sync_engine)
            committed = False
            try:
                tx = Tx(AsyncConnection(engine, sync), sessions)
                uow = UnitOfWork(tx)
                try:
                    yield uow
                    await tx.flush()
                finally:
                    await tx.close()
                await postgres_inline.commit(sync)
                committed = True
            finally:
                await greenlet_spawn(_finish, sync, committed)
            for action in uow._on_commit:
                action()
    except IntegrityError as error:
        raise Conflict("another transaction created the same row") from error
