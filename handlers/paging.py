"""Long lists in pages: a line saying where one is, and buttons to the next and previous page."""

from handlers.context import Ctx
from handlers.payloads import ListKind, TurnPage
from handlers.types import Button
from storage.records import AppealPage


def page_buttons(ctx: Ctx, page: AppealPage, listing: ListKind, size: int) -> tuple[Button, ...]:
    number = page.offset // size
    buttons = []
    if page.offset > 0:
        buttons.append(Button(ctx._("◀ Previous"), TurnPage(listing, number - 1).pack()))
    if page.offset + len(page.items) < page.total:
        buttons.append(Button(ctx._("Next ▶"), TurnPage(listing, number + 1).pack()))
    return tuple(buttons)


def page_line(ctx: Ctx, page: AppealPage, size: int) -> str:
    pages = max(1, -(-page.total // size))
    return ctx.ngettext(
        "Page {page} of {pages} · {total} appeal in all",
        "Page {page} of {pages} · {total} appeals in all",
        page.total,
    ).format(page=page.offset // size + 1, pages=pages, total=page.total)
