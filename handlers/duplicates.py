"""Duplicates: ten neighbours reporting the same dark street are one problem. An appeal joined
to an open one about the same problem at the same place receives that appeal's answer; each
keeps its own index, due date, notices and rating. Joining is in `joining` (an operator)
and `me_too` (the citizen filing); the answer goes out in `answer_control.answer_joined`."""

import math

from handlers.context import Ctx
from handlers.payloads import JoinTo
from handlers.render import citizen_status_name, day, preview, status_name, topic_name
from handlers.types import Button
from reception.statuses import IN_WORK_STATUSES, Status
from storage.listings import METRES_PER_DEGREE, Similar
from storage.records import AppealRecord

#: How close two reported places must be to be offered as the same problem: a street block.
SIMILAR_METRES = 150
#: Statuses an appeal may be joined from: not yet answered, and not on the CNAP's review.
JOINABLE = frozenset({Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS})
#: Statuses of an appeal others may join: a department already works on it, or it is
#: registered and not yet assigned (ten untriaged reports of one dark street are one problem;
#: assigning the first assigns those joined to it).
LEADS = IN_WORK_STATUSES | {Status.ON_REVIEW, Status.REGISTERED}
#: Candidates shown at once: the oldest first, the one the others join.
SHOWN = 3


def distance_metres(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Near enough on a city's scale (an equirectangular projection)."""
    rise = (a[0] - b[0]) * METRES_PER_DEGREE
    run = (a[1] - b[1]) * METRES_PER_DEGREE * math.cos(math.radians((a[0] + b[0]) / 2))
    return round(math.hypot(rise, run))


def how_far(ctx: Ctx, latitude: float | None, longitude: float | None, other: AppealRecord) -> str:
    if latitude is None or longitude is None or other.latitude is None or other.longitude is None:
        return ctx._("at the same address")
    metres = distance_metres((latitude, longitude), (other.latitude, other.longitude))
    return ctx._("about {metres} m away").format(metres=max(10, round(metres / 10) * 10))


async def candidates(
    ctx: Ctx,
    topic: str,
    latitude: float | None,
    longitude: float | None,
    address: str | None,
    exclude_id: int | None = None,
    category: str | None = None,
) -> list[AppealRecord]:
    """Open appeals (registered, or worked on by a department) about the same topic at about
    the same place, that others may join."""
    similar = Similar(
        topic, latitude, longitude, address, SIMILAR_METRES, LEADS, exclude_id, category
    )
    return await ctx.uow.appeals.similar(similar, limit=SHOWN)


async def like(ctx: Ctx, appeal: AppealRecord) -> list[AppealRecord]:
    """The open appeals `appeal` may be joined to."""
    return await candidates(
        ctx,
        appeal.topic,
        appeal.latitude,
        appeal.longitude,
        appeal.location_text,
        appeal.id,
        appeal.category,
    )


async def card_lines(
    ctx: Ctx, appeal: AppealRecord, may_triage: bool
) -> tuple[list[str], list[Button]]:
    """What the staff card says of duplicates, and (for who triages) the buttons to join."""
    lines: list[str] = []
    buttons: list[Button] = []
    if appeal.joined_to_id:
        lead = await ctx.uow.appeals.get(appeal.joined_to_id)
        if lead is not None:
            lines.append(
                ctx._(
                    "Joined to appeal {index} about the same problem: its answer reaches this "
                    "author too."
                ).format(index=lead.reg_index)
            )
    followers = await ctx.uow.appeals.joined_to(appeal.id)
    if followers:
        lines.append(
            ctx.ngettext(
                "Joined to it: {indexes}. The answer to this appeal reaches {count} more author.",
                "Joined to it: {indexes}. The answer to this appeal reaches {count} more authors.",
                len(followers),
            ).format(indexes=", ".join(f.reg_index for f in followers), count=len(followers))
        )
    may_join = (
        may_triage
        and Status(appeal.status) in JOINABLE
        and appeal.joined_to_id is None
        and not followers
    )
    if not may_join:
        return lines, buttons
    for lead in await like(ctx, appeal):
        lines.append(
            ctx._(
                "Possibly the same problem: {index}, {where}, {status}, received {date}."
            ).format(
                index=lead.reg_index,
                where=how_far(ctx, appeal.latitude, appeal.longitude, lead),
                status=status_name(ctx, lead.status),
                date=day(ctx, lead.received_on),
            )
        )
        buttons.append(
            Button(
                ctx._("Join to {index}").format(index=lead.reg_index),
                JoinTo(appeal.id, lead.id).pack(),
            )
        )
    return lines, buttons


async def for_draft(ctx: Ctx) -> AppealRecord | None:
    """An open appeal of another resident the citizen filing may join ("me too")."""
    d = ctx.draft
    if d.on_behalf or not d.topic:
        return None
    found = await candidates(
        ctx,
        d.topic,
        d.latitude,
        d.longitude,
        d.location_text,
        category=d.everyday,
    )
    return next((a for a in found if a.author_id != ctx.person.id), None)


def described(ctx: Ctx, lead: AppealRecord) -> str:
    """The other appeal as the public may see it (`reception.publication`): never its author,
    its index or its text unless the author chose to publish it."""
    category = next((c for c in ctx.config.categories if c.code == lead.category), None)
    what = category.name(ctx.locale) if category else topic_name(ctx, lead.topic)
    line = ctx._("{what}, {where}, received {date}, {status}.").format(
        what=what,
        where=how_far(ctx, ctx.draft.latitude, ctx.draft.longitude, lead),
        date=day(ctx, lead.received_on),
        status=citizen_status_name(ctx, lead.status),
    )
    if lead.publish_text and not lead.text_hidden:
        line += "\n«" + preview(ctx, lead.text) + "»"
    return line
