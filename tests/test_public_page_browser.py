"""The public page in a real headless Chromium (Debian's chromium and chromedriver, driven by
selenium): the figures match the register, a filter and paging work, an appeal's page shows its
history and its place on the map, no personal datum of a seeded citizen is anywhere in the HTML,
and a screenshot of each page is left in tests/artifacts/."""

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.config import ConversationConfig
from handlers.conversation import Conversation
from handlers.i18n import Catalogs
from tests.harness import Clock
from tests.public_kit import PERSONAL, PUBLISHED_TEXT, appeal_numbers, public_server, seed_register
from tests.waits import patience

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="no Chromium here: apt-get install chromium chromium-driver (.ci/run installs them)",
)

#: A 1×1 PNG: the map's tiles come from a server on 127.0.0.1, never from outside.
TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f0e5d60000000049454e44ae426082"
)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        # Nothing leaves 127.0.0.1, whatever a page might ask for.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(patience(30))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
async def tiles() -> AsyncIterator[str]:
    async def tile(_: web.Request) -> web.Response:
        return web.Response(body=TILE, content_type="image/png")

    app = web.Application()
    app.router.add_get("/tiles/{z}/{x}/{y}.png", tile)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert site._server is not None
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]  # asyncio.Server
    try:
        yield f"http://127.0.0.1:{port}/tiles/{{z}}/{{x}}/{{y}}.png"
    finally:
        await runner.cleanup()


def shoot(driver: WebDriver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert driver.save_screenshot(str(path))
    return path


def assert_nothing_personal(html: str) -> None:
    for datum in PERSONAL:
        assert datum not in html, datum


def cells(driver: WebDriver, selector: str) -> list[list[str]]:
    rows = driver.find_elements(By.CSS_SELECTOR, selector)
    return [[cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")] for row in rows]


async def test_the_public_page_in_a_browser(
    browser: WebDriver,
    tiles: str,
    conversation: Conversation,
    sessions: async_sessionmaker[AsyncSession],
    catalogs: Catalogs,
    config: ConversationConfig,
    clock: Clock,
) -> None:
    driver = browser
    await seed_register(conversation, sessions, clock)
    numbers = await appeal_numbers(sessions)
    async with public_server(sessions, catalogs, config, clock, page_size=2, tiles=tiles) as base:

        def statistics() -> tuple[list[list[str]], str]:
            driver.get(f"{base}/?lang=en&from=2026-12-01&to=2026-12-31")
            shoot(driver, "public-statistics")
            return cells(driver, "#bodies tbody tr"), driver.page_source

        table, html = await asyncio.to_thread(statistics)
        assert_nothing_personal(html)
        by_body = {row[0]: row[1:] for row in table}
        # received, answered, in time, median days, overdue now, average rating: the register's
        assert by_body["Department of Housing and Communal Services"] == [
            "2", "1", "100%", "2", "0", "4",
        ]  # fmt: skip
        assert by_body["Transport and Communications Office"] == ["1", "1", "100%", "4", "0", "2"]
        assert by_body["not yet assigned"] == ["2", "0", "—", "—", "0", "—"]

        def filtered_and_paged() -> tuple[list[str], list[str], str, str, str]:
            driver.get(f"{base}/appeals?lang=en")
            first = [row[0] for row in cells(driver, "#appeals tbody tr")]
            Select(driver.find_element(By.ID, "status")).select_by_value("closed")
            driver.find_element(By.CSS_SELECTOR, "form.filters button").click()
            WebDriverWait(driver, patience(10)).until(lambda d: "status=closed" in d.current_url)
            closed = [row[0] for row in cells(driver, "#appeals tbody tr")]
            shoot(driver, "public-list-filtered")
            filtered_html = driver.page_source
            driver.get(f"{base}/appeals?lang=en")
            driver.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
            WebDriverWait(driver, patience(10)).until(lambda d: "page=2" in d.current_url)
            shoot(driver, "public-list-page-2")
            page_of = driver.find_element(By.ID, "page-of").text
            second = ",".join(row[0] for row in cells(driver, "#appeals tbody tr"))
            return first, closed, page_of, second, filtered_html + driver.page_source

        first, closed, page_of, second, html = await asyncio.to_thread(filtered_and_paged)
        assert_nothing_personal(html)
        newest = sorted(numbers.values(), key=lambda n: int(n.split("-")[1]), reverse=True)
        assert first == newest[:2]
        assert sorted(closed) == sorted([numbers["Ш-1"], numbers["Ш-2"]])
        assert page_of == "Page 2 of 3 (5 appeals)"
        assert second == ",".join(newest[2:4])

        def appeal_page() -> tuple[list[str], str, int, str]:
            driver.get(f"{base}/appeals/{numbers['Ш-1']}?lang=en")
            WebDriverWait(driver, patience(10)).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "#map .pin")
            )
            shoot(driver, "public-appeal")
            history = [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#history li")]
            pins = len(driver.find_elements(By.CSS_SELECTOR, "#map .pin"))
            text = driver.find_element(By.TAG_NAME, "blockquote").text
            return history, text, pins, driver.page_source

        history, text, pins, html = await asyncio.to_thread(appeal_page)
        assert_nothing_personal(html)
        assert [line.split(" — ", 1)[1] for line in history] == [
            "received and registered",
            "assigned to: Department of Housing and Communal Services",
            "answered",
            "rated by the author: 4/5",
        ]
        assert text == PUBLISHED_TEXT
        assert pins == 1

        def in_ukrainian() -> str:
            driver.get(f"{base}/appeals?lang=en")
            driver.find_element(By.CSS_SELECTOR, "a[hreflang=uk]").click()
            WebDriverWait(driver, patience(10)).until(lambda d: "lang=uk" in d.current_url)
            shoot(driver, "public-list-uk")
            return str(driver.find_element(By.TAG_NAME, "h1").text)

        assert await asyncio.to_thread(in_ukrainian) == "Звернення до ради"
    for name in (
        "public-statistics",
        "public-list-filtered",
        "public-list-page-2",
        "public-appeal",
    ):
        assert (ARTIFACTS / f"{name}.png").read_bytes().startswith(b"\x89PNG")
