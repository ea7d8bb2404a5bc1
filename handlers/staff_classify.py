"""/classify INDEX: an operator corrects the appeal's classifier codes (Classifier 858 on
Instruction No. 348's card) — kind, topic, receipt form, receipt sign, author category — with
buttons for each closed list; every change is an event row in the appeal's history."""

from dataclasses import replace

from handlers import pending
from handlers import staff_actions as act
from handlers.context import Ctx
from handlers.payloads import BACK, ChooseClassField, ChooseCode, ClassField
from handlers.pending import Classifying
from handlers.render import (
    category_name,
    kind_name,
    receipt_form_name,
    receipt_sign_name,
    topic_name,
)
from handlers.staff_card import back_to_card, card, pending_appeal
from handlers.staff_words import canonical
from handlers.steps import StepName
from handlers.types import Button, Reply
from reception.classifier import AUTHOR_CATEGORIES, AUTHOR_CATEGORIES_BY_CODE, TOPICS, ReceiptForm
from reception.kinds import AppealKind, ReceiptSign
from reception.markers import N_
from reception.roles import Permission
from storage.records import AppealRecord, Classification

#: "No category": the author belongs to none of the 7.x list.
NONE = "-"

FIELD_NAMES: dict[ClassField, str] = {
    ClassField.KIND: N_("Kind (3.x)"),
    ClassField.TOPIC: N_("Topic"),
    ClassField.FORM: N_("Receipt form (1.x)"),
    ClassField.SIGN: N_("Receipt sign (2.x)"),
    ClassField.CATEGORY: N_("Author category (7.x)"),
}

#: Typed forms of the fields: /classify Ш-12 form 1.2
FIELD_WORDS: dict[str, ClassField] = {field.value: field for field in ClassField}

COLUMNS = {
    ClassField.KIND: "kind",
    ClassField.TOPIC: "topic",
    ClassField.FORM: "receipt_form",
    ClassField.SIGN: "receipt_sign",
    ClassField.CATEGORY: "author_category",
}


def codes(field: ClassField) -> tuple[str, ...]:
    """The closed list of a field."""
    if field is ClassField.KIND:
        return tuple(kind.value for kind in AppealKind)
    if field is ClassField.TOPIC:
        return tuple(topic.code for topic in TOPICS)
    if field is ClassField.FORM:
        return tuple(form.value for form in ReceiptForm)
    if field is ClassField.SIGN:
        return tuple(sign.value for sign in ReceiptSign)
    return (*(category.code for category in AUTHOR_CATEGORIES), NONE)


def code_label(ctx: Ctx, field: ClassField, code: str | None) -> str:
    if code is None or code == NONE:
        return ctx._("none")
    if field is ClassField.KIND:
        return f"{code} {kind_name(ctx, code)}"
    if field is ClassField.TOPIC:
        return topic_name(ctx, code)
    if field is ClassField.FORM:
        return receipt_form_name(ctx, code)
    if field is ClassField.SIGN:
        return receipt_sign_name(ctx, code)
    category = AUTHOR_CATEGORIES_BY_CODE.get(code)
    return f"{code} {category_name(ctx, code)}" if category else code


def current(appeal: AppealRecord, field: ClassField) -> str | None:
    value: str | None = getattr(appeal, COLUMNS[field])
    return value


def classification_text(ctx: Ctx, appeal: AppealRecord) -> str:
    lines = [ctx._("Classification of appeal {index}:").format(index=appeal.reg_index)]
    for field in ClassField:
        lines.append(
            f"{ctx._(FIELD_NAMES[field])}: {code_label(ctx, field, current(appeal, field))}"
        )
    lines.append(ctx._("What should be corrected?"))
    return "\n".join(lines)


async def start_classify(ctx: Ctx, appeal: AppealRecord) -> list[Reply]:
    act.require(ctx, Permission.CLASSIFY)
    pending.keep(ctx, Classifying(appeal.id))
    return await ctx.goto(StepName.STAFF_CLASSIFY)


async def ask_field(ctx: Ctx) -> Reply:
    appeal = await pending_appeal(ctx)
    if appeal is None:
        return Reply(ctx._("This action is no longer possible."))
    buttons = tuple(
        Button(ctx._(FIELD_NAMES[field]), ChooseClassField(field).pack()) for field in ClassField
    )
    return Reply(
        classification_text(ctx, appeal), (*buttons, Button(ctx._("Done"), BACK)), columns=2
    )


async def answer_field(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await back_to_card(ctx)
    chosen = ChooseClassField.parse(ctx.incoming.action)
    if chosen is None:
        return None
    pending.keep(ctx, replace(pending.started(ctx, Classifying), field=chosen.field.value))
    return await ctx.goto(StepName.STAFF_CLASSIFY_CODE)


def pending_field(ctx: Ctx) -> ClassField:
    stored = pending.started(ctx, Classifying).field or ""
    return ClassField(stored) if stored in set(ClassField) else ClassField.KIND


async def ask_code(ctx: Ctx) -> Reply:
    field = pending_field(ctx)
    buttons = tuple(
        Button(code_label(ctx, field, code), ChooseCode(code).pack()) for code in codes(field)
    )
    return Reply(
        ctx._("Choose the new value: {field}").format(field=ctx._(FIELD_NAMES[field])),
        (*buttons, Button(ctx._("Back"), BACK)),
        columns=1 if field in (ClassField.TOPIC, ClassField.CATEGORY) else 2,
    )


async def answer_code(ctx: Ctx) -> list[Reply] | None:
    if ctx.incoming.action == BACK:
        return await ctx.goto(StepName.STAFF_CLASSIFY)
    chosen = ChooseCode.parse(ctx.incoming.action)
    field = pending_field(ctx)
    if chosen is None or chosen.code not in codes(field):
        return None
    appeal = await pending_appeal(ctx)
    if appeal is None:
        pending.drop(ctx)
        ctx.state.step = StepName.MENU
        return [Reply(ctx._("This action is no longer possible."))]
    try:
        done = await reclassify(ctx, appeal, field, chosen.code)
    except act.ActionRefused as refused:
        return await ctx.goto(StepName.STAFF_CLASSIFY, refused.reply)
    return await ctx.goto(StepName.STAFF_CLASSIFY, done)


async def reclassify(ctx: Ctx, appeal: AppealRecord, field: ClassField, code: str) -> Reply:
    """One corrected code, with its event row; nothing happens when it is the same."""
    act.require(ctx, Permission.CLASSIFY)
    before = current(appeal, field)
    after = None if code == NONE else code
    if before == after:
        return Reply(ctx._("Nothing changed: it is already so."))
    changes: Classification = {}
    if field is ClassField.KIND:
        changes["kind"] = code
    elif field is ClassField.TOPIC:
        changes["topic"] = code
    elif field is ClassField.FORM:
        changes["receipt_form"] = code
    elif field is ClassField.SIGN:
        changes["receipt_sign"] = code
    else:
        changes["author_category"] = after
        if after is not None:
            # A category of the 7.x list carries statutory privileges: the queue puts it first.
            changes["privileged"] = True
    await ctx.uow.appeals.reclassify(
        appeal.id,
        changes,
        act.by_employee(
            ctx,
            "reclassified",
            text=f"{field.value}: {before or NONE} → {after or NONE}",
            data={"field": field.value, "from": before, "to": after},
            internal=True,
        ),
    )
    return Reply(
        ctx._("Appeal {index}: {field} is now {value}.").format(
            index=appeal.reg_index,
            field=ctx._(FIELD_NAMES[field]),
            value=code_label(ctx, field, after),
        )
    )


async def typed(ctx: Ctx, appeal: AppealRecord, rest: str) -> list[Reply] | None:
    """`/classify INDEX FIELD CODE`, or None when the words are not that."""
    words = rest.split()
    if len(words) != 2 or canonical(words[0]) not in FIELD_WORDS:
        return None
    field = FIELD_WORDS[canonical(words[0])]
    if words[1] not in codes(field):
        return None
    reply = await reclassify(ctx, appeal, field, words[1])
    updated = await ctx.uow.appeals.get(appeal.id)
    assert updated is not None
    return [reply, await card(ctx, updated)]
