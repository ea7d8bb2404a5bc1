"""The conversation: one incoming event in, the replies out, state kept in the database."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from handlers import (
    feedback,
    joining,
    linking,
    me_too,
    staff_card,
    staff_commands,
    staff_flow,
    staff_lists,
)
from handlers.citizen_commands import BEFORE_SCREENS, CITIZEN_ALIASES, CITIZEN_COMMANDS
from handlers.config import ConversationConfig
from handlers.context import Ctx
from handlers.file_checks import discard_untaken, drop_files_of_command
from handlers.file_gate import accepts_files
from handlers.filing import attach_files
from handlers.flow import FILE_STEPS, FILING_STEPS, STEPS
from handlers.i18n import Catalogs
from handlers.kept import Kept
from handlers.my_appeals import turn_my_page
from handlers.offer import keep_first_words, says_it, take_recording
from handlers.onboarding import has_consent, never_answered, set_language
from handlers.payloads import (
    Act,
    JoinTo,
    LinkChoice,
    ListKind,
    Menu,
    MenuItem,
    NotSolved,
    OpenCard,
    Rate,
    SimilarChoice,
    TurnPage,
    global_payload,
)
from handlers.steps import StepName
from handlers.types import Incoming, Reply, reply_to_payload
from reception.markers import N_
from reception.roles import is_staff
from storage.errors import Conflict
from storage.inbox import NewUpdate
from storage.records import StateRecord
from storage.uow import Sessions, unit_of_work

log = logging.getLogger(__name__)

UNSUPPORTED: dict[str, str] = {
    "sticker": N_("Stickers cannot be read here."),
    "video": N_("Videos cannot be received here; please send photos or documents."),
    "video_note": N_("Video messages cannot be received here; please type the text."),
    "animation": N_("GIFs cannot be received here."),
    "poll": N_("Polls cannot be received here."),
    "other": N_("This kind of message cannot be read here."),
}

NAVIGATION = {
    MenuItem.NEW: "/new",
    MenuItem.MY: "/my",
    MenuItem.HELP: "/help",
    MenuItem.MENU: "/menu",
}
ATTEMPTS = 2


def typed_label_as_tap(incoming: Incoming, state: StateRecord) -> Incoming:
    """Typing a button's label is tapping it: where a channel has no buttons (a keyboard that
    sends its label as text, a terminal), the person can still answer."""
    if incoming.action is not None or not incoming.text or incoming.files:
        return incoming
    labels: dict[str, str] = state.data.get(Kept.LABELS, {})
    action = labels.get(incoming.text.strip().casefold())
    return incoming if action is None else replace(incoming, action=action, text=None)


def command_of(incoming: Incoming) -> str | None:
    """`/start`, `/start@reception_bot` or `/START payload` → `/start`; None for plain text."""
    menu = Menu.parse(incoming.action)
    if menu is not None:
        return NAVIGATION[menu.item]
    text = (incoming.text or "").strip()
    if incoming.action or not text.startswith("/"):
        return None
    name = text.split()[0].split("@")[0].lower()[:32]
    return CITIZEN_ALIASES.get(name) or staff_commands.ALIASES.get(name) or name


class _TakenMeanwhile(Exception):
    """The update was handled already or meanwhile, or an earlier one of the same person waits."""


@dataclass(frozen=True)
class Handled:
    """What handling one update produced: the replies, and the account they go to."""

    account_id: int
    replies: list[Reply]
    #: The inbox row that keeps the replies until they are delivered.
    inbox_id: int | None = None


class Conversation:
    def __init__(
        self,
        sessions: Sessions,
        config: ConversationConfig,
        catalogs: Catalogs,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self.config = config
        self.catalogs = catalogs
        self._clock = clock

    async def discard_files(self, incoming: Incoming) -> None:
        """The files of an update the intake gave up on: those no row keeps leave the disk."""
        if incoming.files:
            async with unit_of_work(self._sessions) as uow:
                await discard_untaken(uow, self.config.files, incoming.files)

    async def takes_files(self, channel: str, external_user_id: str, name: str = "") -> bool:
        """For the file intake, before it downloads: see `handlers.file_gate.accepts_files`."""
        async with unit_of_work(self._sessions) as uow:
            return await accepts_files(
                uow, channel, external_user_id, self.config.notice_version, name
            )

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Handle an update that is not in the inbox (the terminal chat, tests). A database
        outage propagates: the caller decides how to wait for it."""
        handled = await self._handle(incoming, None)
        assert handled is not None
        return handled.replies

    async def handle_stored(self, inbox_id: int, incoming: Incoming) -> Handled | None:
        """Handle an update from the inbox: it is claimed, acted on and its replies kept, all in
        one transaction, so it is handled exactly once. None when it was not this call's to
        handle (handled already, or an earlier update of the same person still waits)."""
        return await self._handle(incoming, inbox_id)

    async def handle_new(self, new: NewUpdate, incoming: Incoming) -> Handled | None:
        """Store an update that just came and handle it, in one transaction: a transaction
        fewer per update than storing it first (issue 14), and as safe — either both are
        committed, or nothing is and the messenger sends the update again. None when it is not
        to be handled at once (an earlier update of the same person waits, or it is a replay):
        then nothing is stored, and the caller stores it as any other."""
        return await self._handle(incoming, None, new)

    async def _handle(
        self, incoming: Incoming, inbox_id: int | None, new: NewUpdate | None = None
    ) -> Handled | None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._handle_once(incoming, inbox_id, new)
            except Conflict:
                # Two first messages of one new account raced to create it, or a colleague changed
                # the appeal's status meanwhile: the retry sees what the other one did.
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def _handle_once(
        self, incoming: Incoming, inbox_id: int | None, new: NewUpdate | None
    ) -> Handled | None:
        try:
            return await self._step(incoming, inbox_id, new)
        except _TakenMeanwhile:
            # The update is read again when its turn comes: these downloads are nobody's.
            await self.discard_files(incoming)
            return None

    async def _step(
        self, incoming: Incoming, inbox_id: int | None, new: NewUpdate | None
    ) -> Handled:
        now = self._clock()
        async with unit_of_work(self._sessions) as uow:
            turn = await uow.turn(incoming.channel, incoming.external_user_id, now)
            account, person = turn.account, turn.person
            state = turn.state or StateRecord(StepName.MENU)
            if state.step not in STEPS:
                state.step = StepName.MENU
            incoming = typed_label_as_tap(incoming, state)
            step_before = state.step
            ctx = Ctx(
                uow=uow,
                incoming=incoming,
                account=account,
                person=person,
                state=state,
                config=self.config,
                catalogs=self.catalogs,
                steps=STEPS,
                now=now,
            )
            replies = await dispatch(ctx)
            if incoming.files:
                await discard_untaken(uow, self.config.files, incoming.files)
            if ctx.state.step in FILING_STEPS:
                ctx.state.data[Kept.DRAFT_STEP] = ctx.state.step
            last_buttons = replies[-1].buttons if replies else ()
            ctx.state.data[Kept.LABELS] = {b.label.casefold(): b.action for b in last_buttons}
            if (
                incoming.action
                and ctx.state.step == step_before
                and len(replies) == 1
                and not replies[0].detaches_buttons
            ):
                replies = [replace(replies[0], replaces_prompt=True)]
            await uow.conversations.save(account.id, ctx.state, now)
            kept = {"account": account.id, "replies": [reply_to_payload(r) for r in replies]}
            if new is not None:
                # A replay, or an earlier update of this person waiting: the unit of work
                # undoes the step, and the caller stores the update as any other.
                inbox_id = await uow.inbox.store_handled(new, now, kept)
                if inbox_id is None:
                    raise _TakenMeanwhile
            elif inbox_id is not None and not await uow.inbox.finish(inbox_id, now, kept):
                raise _TakenMeanwhile  # the unit of work undoes the step
            return Handled(account.id, replies, inbox_id)


def before_screens(ctx: Ctx, command: str | None) -> bool:
    """Commands that work before and regardless of the language and consent screens: /join and
    /link carry a code that would be lost behind them, and staff work is not a citizen's
    personal-data matter (an employee's buttons and typed answers skip the screens too)."""
    if command in BEFORE_SCREENS:
        return True
    return command in staff_commands.STAFF_COMMANDS and is_staff(staff_card.role_of(ctx))


async def dispatch(ctx: Ctx) -> list[Reply]:
    command = command_of(ctx.incoming)
    step = ctx.state.step
    if command is not None and ctx.incoming.files:
        return [drop_files_of_command(ctx), *await dispatch(ctx)]
    if command is not None and before_screens(ctx, command):
        return await run_command(ctx, command)
    link_choice = LinkChoice.parse(ctx.incoming.action)
    if link_choice is not None:
        # The confirmation of /link CODE, which itself comes before the screens.
        return await linking.on_choice(ctx, link_choice)
    # The language and consent screens are the citizen's: an employee's buttons and typed
    # answers go to the staff actions (in the council's working language until /lang).
    staff = is_staff(staff_card.role_of(ctx))
    if ctx.person.locale is None:
        hinted = ctx.catalogs.match(ctx.incoming.locale_hint)
        if hinted is not None:
            # The messenger says the person reads one of our languages: no question to answer.
            return await with_hinted_language(ctx, hinted)
        if not staff:
            if command is None:
                keep_first_words(ctx)
            return (
                await answer(ctx)
                if step == StepName.LANGUAGE
                else await ctx.goto(StepName.LANGUAGE)
            )
    if command == "/lang":
        return await CITIZEN_COMMANDS[command].run(ctx, "")
    if step == StepName.LANGUAGE and command is None:
        return await answer(ctx)
    if not staff and not await has_consent(ctx):
        if command is None and await never_answered(ctx) and keep_first_words(ctx):
            kept = (
                ctx._(
                    "A voice message cannot be received before this answer: right after it "
                    "you can file an appeal and send the recording again."
                )
                if says_it(ctx)
                else ctx._("Your text is kept: right after this question you can file it.")
            )
            return await ctx.goto(
                StepName.CONSENT, *([Reply(kept)] if step == StepName.CONSENT else [])
            )
        if step == StepName.CONSENT and command is None:
            return await answer(ctx)
        return await ctx.goto(StepName.CONSENT)
    if command is not None:
        return await run_command(ctx, command)
    location = ctx.incoming.location
    if location is not None and step == StepName.MENU and staff:
        return await staff_lists.near(ctx, location.latitude, location.longitude)
    payload = global_payload(ctx.incoming.action)
    result = None
    if isinstance(payload, Rate | NotSolved):
        result = await feedback.on_feedback(ctx, payload)
    elif isinstance(payload, OpenCard | Act):
        result = await staff_flow.on_button(ctx, payload)
    elif isinstance(payload, JoinTo):
        result = await joining.on_join(ctx, payload) if is_staff(staff_card.role_of(ctx)) else None
    elif isinstance(payload, SimilarChoice):
        result = await me_too.on_choice(ctx, payload)
    elif isinstance(payload, TurnPage):
        result = await turn_page(ctx, payload)
    if result is not None:
        return result
    return await answer(ctx)


async def with_hinted_language(ctx: Ctx, hinted: str) -> list[Reply]:
    await set_language(ctx, hinted)
    note = ctx._("The language is set: English. To change it, send /lang.")
    replies = await dispatch(ctx)
    if not replies:
        return [Reply(note)]
    return [replace(replies[0], text=f"{note}\n\n{replies[0].text}"), *replies[1:]]


async def turn_page(ctx: Ctx, payload: TurnPage) -> list[Reply] | None:
    if payload.listing is ListKind.MINE:
        return await turn_my_page(ctx, payload.page)
    if not is_staff(staff_card.role_of(ctx)):
        return None
    return await staff_lists.show_page(ctx, payload.listing, payload.page) or None


async def run_command(ctx: Ctx, command: str) -> list[Reply]:
    arguments = (ctx.incoming.text or "").strip().partition(" ")[2]
    if command in staff_commands.STAFF_COMMANDS:
        if not is_staff(staff_card.role_of(ctx)):
            # A citizen learns nothing about staff commands: the menu, as for any other text.
            return await ctx.goto(StepName.MENU)
        by_buttons = staff_commands.asks_by_buttons(command, arguments)
        if by_buttons is not None:
            action, index = by_buttons
            appeal = await staff_card.visible(ctx, index)
            if appeal is not None:
                started = await staff_flow.on_button(ctx, Act(action, appeal.id))
                if started is not None:
                    return started
        return await staff_commands.run_command(ctx, command, arguments)
    citizen_command = CITIZEN_COMMANDS.get(command)
    if citizen_command is not None:
        return await citizen_command.run(ctx, arguments)
    return await ctx.ask_again(
        Reply(ctx._("There is no such command. Type /help to see what the reception can do."))
    )


async def answer(ctx: Ctx) -> list[Reply]:
    incoming = ctx.incoming
    step = ctx.state.step
    if incoming.unsupported:
        message = UNSUPPORTED.get(incoming.unsupported, UNSUPPORTED["other"])
        return await ctx.ask_again(Reply(ctx._(message)))
    if incoming.files and step == StepName.MENU and says_it(ctx):
        return await take_recording(ctx)
    if incoming.files and step not in FILE_STEPS:
        if step in FILING_STEPS and ctx.has_draft:
            return await ctx.ask_again(*await attach_files(ctx))
        return await ctx.ask_again(
            Reply(
                ctx._(
                    "Files are accepted while you describe the issue of a new appeal, or when you add "
                    "information to an appeal under “My appeals”."
                )
            )
        )
    result = await ctx.steps[ctx.step].answer(ctx)
    if result is not None:
        return result
    if incoming.action:
        return await ctx.ask_again(
            Reply(
                ctx._(
                    "That button belongs to an earlier message and no longer works. Here is where we "
                    "are now:"
                )
            )
        )
    return await ctx.ask_again(Reply(ctx._(ctx.steps[ctx.step].hint)))
