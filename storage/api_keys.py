"""Keys of the city systems that file appeals through Open311: only a hash of each is kept."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from storage.models import ApiKey
from storage.tx import Repository


def api_key_hash(key: str) -> str:
    return hashlib.sha256(("api:" + key.strip()).encode()).hexdigest()


@dataclass(frozen=True)
class ApiKeyRecord:
    id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyRepository(Repository):
    async def issue(self, name: str, key: str, now: datetime) -> None:
        self._session.add(ApiKey(name=name, key_hash=api_key_hash(key), created_at=now))
        await self._session.flush()

    async def revoke(self, name: str, now: datetime) -> bool:
        changed = await self._session.execute(
            update(ApiKey)
            .where(ApiKey.name == name, ApiKey.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return getattr(changed, "rowcount", 0) == 1

    async def valid(self, key: str) -> ApiKeyRecord | None:
        """The key's record when it exists and was not revoked."""
        row = await self._session.scalar(
            select(ApiKey).where(ApiKey.key_hash == api_key_hash(key), ApiKey.revoked_at.is_(None))
        )
        if row is None:
            return None
        return ApiKeyRecord(row.id, row.name, row.created_at, row.revoked_at)

    async def all(self) -> list[ApiKeyRecord]:
        rows = await self._session.scalars(select(ApiKey).order_by(ApiKey.name))
        return [ApiKeyRecord(r.id, r.name, r.created_at, r.revoked_at) for r in rows]
