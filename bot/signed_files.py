"""Files sent to messengers that fetch them by URL (Viber), and to departments by e-mail: a
signed address that expires."""

import hashlib
import hmac
import time
from urllib.parse import quote

from aiohttp import web

from storage.attachments import AttachmentStore

LIFETIME_SECONDS = 24 * 3600


class SignedFiles:
    def __init__(
        self,
        store: AttachmentStore,
        secret: bytes,
        public_base: str,
        *,
        prefix: str = "/files",
        lifetime_seconds: int = LIFETIME_SECONDS,
    ) -> None:
        self._store = store
        self._secret = secret
        self._base = public_base.rstrip("/")
        self._prefix = prefix.rstrip("/")
        self._lifetime = lifetime_seconds

    def _signature(self, key: str, expires: int) -> str:
        return hmac.new(self._secret, f"{key}:{expires}".encode(), hashlib.sha256).hexdigest()

    def url(self, key: str, name: str, now: float | None = None) -> str:
        expires = int((now or time.time()) + self._lifetime)
        return (
            f"{self._base}{self._prefix}/{key}/{quote(name)}"
            f"?expires={expires}&signature={self._signature(key, expires)}"
        )

    async def serve(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        try:
            expires = int(request.query.get("expires", "0"))
        except ValueError:
            raise web.HTTPForbidden() from None
        signature = request.query.get("signature", "")
        if expires < time.time() or not hmac.compare_digest(
            signature, self._signature(key, expires)
        ):
            raise web.HTTPForbidden()
        try:
            path = self._store.path(key)
        except ValueError:
            raise web.HTTPNotFound() from None
        if not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    def register(self, app: web.Application) -> None:
        app.router.add_get(self._prefix + "/{key}/{name}", self.serve)
