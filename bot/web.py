"""The aiohttp server that carries the messengers' webhooks, signed file links and monitoring:
`/livez` (the process answers), `/readyz` (see bot/health.py; `/healthz` is its old name) and
`/metrics` (Prometheus, see bot/metrics.py)."""

import logging

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.health import Readiness, database_check
from bot.metrics import CONTENT_TYPE, METRICS, Metrics
from storage.db import create_sessionmaker

log = logging.getLogger(__name__)


def build_web_app(
    engine: AsyncEngine,
    *,
    readiness: Readiness | None = None,
    metrics: Metrics = METRICS,
    sessions: async_sessionmaker[AsyncSession] | None = None,
) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    sessions = sessions or create_sessionmaker(engine)
    if readiness is None:
        readiness = Readiness()
        readiness.add_check("database", database_check(sessions))

    async def livez(_: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_: web.Request) -> web.Response:
        ready, checks = await readiness.report()
        body = {"status": "ready" if ready else "not ready", "checks": checks}
        return web.json_response(body, status=200 if ready else 503)

    async def healthz(_: web.Request) -> web.Response:
        """The old name of /readyz, with the old body when all is well."""
        ready, checks = await readiness.report()
        if ready:
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "not ready", "checks": checks}, status=503)

    async def metrics_page(_: web.Request) -> web.Response:
        try:
            await metrics.refresh(sessions)
        except (SQLAlchemyError, OSError) as error:  # counters are still worth serving
            log.warning(
                "metrics: the register's gauges are stale",
                extra={"event": "metrics_refresh_failed", "error": type(error).__name__},
            )
        response = web.Response(body=metrics.render())
        response.headers["Content-Type"] = CONTENT_TYPE
        return response

    app.router.add_get("/livez", livez)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
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
