"""Messages that are not an immediate reply: written to the outbox in the same transaction as
the change that causes them (DESIGN rule 4), rendered in the reader's language."""

from collections.abc import Callable, Sequence

from handlers.duty import Acting
from handlers.payloads import OpenCard
from handlers.speaker import Speaker, Words
from handlers.types import Button, Reply, reply_to_payload
from reception.roles import Role
from storage.records import AppealRecord, AttachmentRecord, DepartmentRecord

EMAIL_CHANNEL = "email"


async def to_person(
    ctx: Acting, person_id: int | None, kind: str, reply: Reply, appeal_id: int | None
) -> bool:
    """Queue a message to where the person last wrote from; False when they are unreachable
    (or unknown: an anonymised appeal points to nobody)."""
    if person_id is None:
        return False
    account = await ctx.uow.people.preferred_account(person_id)
    if account is None:
        return False
    await ctx.uow.outbox.enqueue(
        channel=account.channel,
        recipient=str(account.id),
        kind=kind,
        payload=reply_to_payload(reply),
        now=ctx.now,
        person_id=person_id,
        appeal_id=appeal_id,
    )
    return True


async def reader(ctx: Acting, person_id: int | None) -> Speaker:
    if person_id is None:
        return ctx.speakers.of(None)
    person = await ctx.uow.people.get(person_id)
    return ctx.speakers.of(person.locale)


async def citizen(ctx: Acting, appeal: AppealRecord, kind: str, reply: Reply) -> None:
    """`reply` is already in the citizen's language (see `reader`)."""
    await to_person(ctx, appeal.author_id, f"citizen:{kind}", reply, appeal.id)


async def staff_of(
    ctx: Acting,
    roles: tuple[Role, ...],
    department_id: int | None,
    kind: str,
    appeal: AppealRecord,
    build: Callable[[Speaker], Reply],
) -> None:
    """Each employee of these roles (of one department, when given), in their language."""
    people = await ctx.uow.staff.of_roles(tuple(r.value for r in roles), department_id)
    for person in people:
        await to_person(
            ctx, person.id, f"staff:{kind}", build(ctx.speakers.of(person.locale)), appeal.id
        )


async def executors(
    ctx: Acting, appeal: AppealRecord, kind: str, build: Callable[[Speaker], Reply]
) -> None:
    """The appeal's executor, or, before one took it, every executor of its department."""
    if appeal.executor_id is not None:
        executor = await ctx.uow.people.get(appeal.executor_id)
        await to_person(
            ctx, executor.id, f"staff:{kind}", build(ctx.speakers.of(executor.locale)), appeal.id
        )
    elif appeal.department_id is not None:
        await staff_of(ctx, (Role.EXECUTOR,), appeal.department_id, kind, appeal, build)


def appeal_button(ctx: Words, appeal: AppealRecord) -> Button:
    return Button(ctx._("Open {index}").format(index=appeal.reg_index), OpenCard(appeal.id).pack())


async def department_email(
    ctx: Acting,
    department: DepartmentRecord,
    appeal: AppealRecord,
    subject: str,
    body: str,
    kind: str,
    files: Sequence[AttachmentRecord] = (),
) -> None:
    """E-mail to an executive body; a placeholder address from the example data is not used.
    The files travel as names and storage keys: the sender in `bot/` turns them into signed
    links (bot/signed_files.py) when the deployment publishes `/files/`."""
    if department.email_is_placeholder:
        return
    payload: dict[str, object] = {"subject": subject, "body": body}
    if files:
        mail = ctx.speakers.official()
        payload["files"] = [{"key": f.storage_key, "name": f.name} for f in files]
        payload["files_heading"] = mail._("Files:")
        payload["files_unlinked"] = mail._(
            "Open the appeal in the reception's bot to see the files."
        )
    await ctx.uow.outbox.enqueue(
        channel=EMAIL_CHANNEL,
        recipient=department.email,
        kind=f"email:{kind}",
        payload=payload,
        now=ctx.now,
        appeal_id=appeal.id,
    )
