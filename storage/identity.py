"""Proof that two messenger accounts are one citizen: one-time link codes, throttled guesses,
and the person's own history of what happened to their data."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from storage.models import GuessAttempt, LinkCode, PersonEvent
from storage.tx import Repository


def link_code_hash(code: str) -> str:
    return hashlib.sha256(("link:" + code.strip().upper()).encode()).hexdigest()


@dataclass(frozen=True)
class PersonEventRecord:
    kind: str
    data: dict[str, Any]
    at: datetime


class IdentityRepository(Repository):
    async def create_link_code(
        self, person_id: int, code: str, now: datetime, expires_at: datetime
    ) -> None:
        """A new code; the person's earlier unused codes stop working (one valid code at a time)."""
        await self._session.execute(
            delete(LinkCode).where(LinkCode.person_id == person_id, LinkCode.used_at.is_(None))
        )
        self._session.add(
            LinkCode(
                person_id=person_id,
                code_hash=link_code_hash(code),
                created_at=now,
                expires_at=expires_at,
            )
        )
        await self._session.flush()

    async def valid_link_code(self, code: str, now: datetime) -> tuple[int, int] | None:
        """A valid, unused code's id and the person who asked for it; the code stays unspent
        until the person who sent it confirms (`spend_link_code`)."""
        row = await self._session.scalar(
            select(LinkCode).where(LinkCode.code_hash == link_code_hash(code))
        )
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        return row.id, row.person_id

    async def spend_link_code(self, code_id: int, now: datetime) -> int | None:
        """The person who asked for this code if it is still valid, now spent; None otherwise."""
        row = await self._session.scalar(
            select(LinkCode).where(LinkCode.id == code_id).with_for_update()
        )
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        row.used_at = now
        await self._session.flush()
        return row.person_id

    async def attempts_since(self, scope: str, key: str, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(GuessAttempt)
            .where(GuessAttempt.scope == scope, GuessAttempt.key == key, GuessAttempt.at > since)
        )
        return int(count or 0)

    async def over_limit(
        self, scope: str, key: str, limit: int, since: datetime, now: datetime
    ) -> bool:
        """True when `key` has `limit` attempts since `since`; else this one is counted."""
        if await self.attempts_since(scope, key, since) >= limit:
            return True
        await self.record_attempt(scope, key, now)
        return False

    async def record_attempt(self, scope: str, key: str, now: datetime) -> None:
        self._session.add(GuessAttempt(scope=scope, key=key[:80], at=now))
        await self._session.flush()

    async def forget_attempts_before(self, before: datetime) -> int:
        """Guesses and code requests older than any throttle window, and codes expired by then:
        they served only to throttle and to link, and are personal data no longer needed."""
        result = await self._session.execute(delete(GuessAttempt).where(GuessAttempt.at < before))
        codes = await self._session.execute(delete(LinkCode).where(LinkCode.expires_at < before))
        return int(getattr(result, "rowcount", 0) or 0) + int(getattr(codes, "rowcount", 0) or 0)

    async def record_event(
        self, person_id: int, kind: str, now: datetime, data: dict[str, Any] | None = None
    ) -> None:
        self._session.add(PersonEvent(person_id=person_id, kind=kind, data=data or {}, at=now))
        await self._session.flush()

    async def events(self, person_id: int) -> list[PersonEventRecord]:
        rows = await self._session.scalars(
            select(PersonEvent)
            .where(PersonEvent.person_id == person_id)
            .order_by(PersonEvent.at, PersonEvent.id)
        )
        return [PersonEventRecord(r.kind, dict(r.data), r.at) for r in rows]
