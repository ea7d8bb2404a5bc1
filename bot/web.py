"""The aiohttp server that carries the messengers' webhooks and `/healthz`."""

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine


def build_web_app(engine: AsyncEngine) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)

    async def healthz(_: web.Request) -> web.Response:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (DBAPIError, OSError):
            return web.json_response({"status": "database unavailable"}, status=503)
        return web.json_response({"status": "ok"})

    app.router.add_get("/healthz", healthz)
    return app


class WebServer:
    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self._runner = web.AppRunner(app, access_log=None)
        self._host = host
        self._port = port

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()

    async def stop(self) -> None:
        await self._runner.cleanup()
