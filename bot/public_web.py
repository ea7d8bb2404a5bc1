"""The public page and Open311 on the reception's web server."""

from zoneinfo import ZoneInfo

from aiohttp import web

from bot.open311 import Open311
from bot.public_page import PublicPage, PublicSettings
from bot.settings import Settings
from handlers.config import ConversationConfig
from handlers.i18n import Catalogs
from storage.uow import Sessions


def register_public(
    web_app: web.Application,
    settings: Settings,
    sessions: Sessions,
    catalogs: Catalogs,
    config: ConversationConfig,
) -> None:
    public = PublicSettings(
        council_uk=settings.council_name_uk,
        council_en=settings.council_name_en,
        timezone=ZoneInfo(settings.timezone),
        map_tiles=settings.public_map_tiles.strip(),
        map_attribution=settings.public_map_attribution,
    )
    if settings.public_view:
        PublicPage(sessions, catalogs, public).register(web_app)
    Open311(
        sessions,
        catalogs,
        config,
        public,
        publish=settings.public_view,
        posts_per_hour=settings.open311_posts_per_hour,
        email_configured=bool(settings.smtp_host and settings.smtp_from),
        contact=settings.council_contacts_en,
    ).register(web_app)
