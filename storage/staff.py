"""Employees: roles, departments, one-time invitation codes."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, bindparam, select, update

from storage.convert import to_record
from storage.models import ChannelAccount, Invite, Person
from storage.records import AccountRecord, PersonRecord
from storage.tx import Repository

_persons: Table = Person.__table__  # type: ignore[assignment]
_OF_ROLES = select(*_persons.c).where(_persons.c.role.in_(bindparam("b_roles", expanding=True)))
_OF_ROLES_IN_DEPARTMENT = _OF_ROLES.where(_persons.c.department_id == bindparam("b_department"))


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@dataclass(frozen=True)
class StaffMember:
    person: PersonRecord
    accounts: tuple[AccountRecord, ...]


class StaffRepository(Repository):
    async def set_role(self, person_id: int, role: str, department_id: int | None) -> None:
        await self._session.execute(
            update(Person)
            .where(Person.id == person_id)
            .values(role=role, department_id=department_id)
        )

    async def is_last_admin(self, person_id: int) -> bool:
        """The person is an administrator and no other exists: the reception would have nobody
        to invite or manage staff."""
        admins = list(
            await self._session.scalars(
                select(Person.id).where(Person.role == "admin").with_for_update()
            )
        )
        return admins == [person_id]

    async def members(self) -> list[StaffMember]:
        people = await self._session.scalars(
            select(Person).where(Person.role != "citizen").order_by(Person.id)
        )
        result = []
        for person in people:
            accounts = await self._session.scalars(
                select(ChannelAccount).where(ChannelAccount.person_id == person.id)
            )
            result.append(
                StaffMember(
                    to_record(PersonRecord, person),
                    tuple(to_record(AccountRecord, a) for a in accounts),
                )
            )
        return result

    async def of_roles(
        self, roles: tuple[str, ...], department_id: int | None = None
    ) -> list[PersonRecord]:
        """Plain rows on the connection: every filing asks it, to tell the operators."""
        await self._tx.flush()  # what the session holds is seen: the statement bypasses it
        query = _OF_ROLES
        params: dict[str, object] = {"b_roles": list(roles)}
        if department_id is not None:
            query = _OF_ROLES_IN_DEPARTMENT
            params["b_department"] = department_id
        rows = await self._tx.connection.execute(query, params)
        return [to_record(PersonRecord, row) for row in rows]

    async def set_signatory(self, person_id: int, name: str, position: str) -> None:
        """Who signs this employee's answers (Art. 15, 19), kept for the next answer."""
        await self._session.execute(
            update(Person)
            .where(Person.id == person_id)
            .values(signatory_name=name, signatory_position=position)
        )

    async def create_invite(
        self,
        code: str,
        role: str,
        department_id: int | None,
        created_by: int | None,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        self._session.add(
            Invite(
                code_hash=code_hash(code),
                role=role,
                department_id=department_id,
                created_by=created_by,
                created_at=now,
                expires_at=expires_at,
            )
        )
        await self._session.flush()

    async def redeem_invite(
        self, code: str, person_id: int, now: datetime
    ) -> tuple[str, int | None] | None:
        """The role and department of a valid, unused code, now spent; None otherwise."""
        row = await self._session.scalar(
            select(Invite).where(Invite.code_hash == code_hash(code)).with_for_update()
        )
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        row.used_at = now
        row.used_by = person_id
        await self._session.flush()
        return row.role, row.department_id
