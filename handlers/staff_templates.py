"""Answer templates: a department keeps texts for answers it gives often; the executor picks one
while answering and edits it before it is sent."""

from handlers.context import Ctx
from handlers.staff_words import canonical
from handlers.types import Reply
from reception.validation import MAX_MESSAGE_CHARS, clean_text
from storage.templates import TemplateRecord

MAX_TITLE_CHARS = 60


def department_of(ctx: Ctx, role_sees_all: bool) -> int | None:
    """Whose templates: an employee's department; None (everyone's) for those who see all."""
    return None if role_sees_all and ctx.person.department_id is None else ctx.person.department_id


def template_line(template: TemplateRecord) -> str:
    body = template.body if len(template.body) <= 80 else template.body[:80] + "…"
    return f"{template.id}. {template.title} — {body}"


async def templates(ctx: Ctx, role_sees_all: bool, arguments: str, usage: str) -> list[Reply]:
    department = department_of(ctx, role_sees_all)
    word, _, rest = arguments.strip().partition(" ")
    if canonical(word) == "add":
        title, colon, body = rest.partition(":")
        title, body = clean_text(title), clean_text(body)
        if not colon or not title or not body:
            return [Reply(ctx._(usage))]
        if len(title) > MAX_TITLE_CHARS or len(body) > MAX_MESSAGE_CHARS:
            return [
                Reply(
                    ctx._(
                        "A title may have up to {title} characters and a text up to {text}."
                    ).format(title=MAX_TITLE_CHARS, text=MAX_MESSAGE_CHARS)
                )
            ]
        added = await ctx.uow.templates.add(department, title, body, ctx.person.id, ctx.now)
        return [
            Reply(
                ctx._("Template {number} “{title}” is added.").format(
                    number=added.id, title=added.title
                )
            )
        ]
    if canonical(word) == "delete":
        number = rest.strip()
        if not number.isdecimal() or len(number) > 18:
            return [Reply(ctx._(usage))]
        removed = await ctx.uow.templates.remove(int(number), department)
        if not removed:
            return [Reply(ctx._("There is no template {number} of yours.").format(number=number))]
        return [Reply(ctx._("Template {number} is deleted.").format(number=number))]
    if word:
        return [Reply(ctx._(usage))]
    found = await ctx.uow.templates.of_department(department)
    if not found:
        return [
            Reply(ctx._("There are no answer templates yet. Add one: /templates add TITLE: TEXT"))
        ]
    lines = [ctx._("Answer templates (pick one while answering, then edit it):")]
    lines += [template_line(t) for t in found]
    return [Reply("\n".join(lines))]
