"""The answer as the law has it shown (Art. 15, 16, 19): its date, result, the grounds of a
refusal and how to appeal it, the body that answered, the signatory and the outgoing number. The
message that brings the answer and the citizen's card of the appeal show it with these lines."""

from datetime import datetime

from handlers.render import day, local_day, moment, result_name, shown_day
from handlers.speaker import Words
from reception.classifier import Result
from storage.records import AppealRecord


def answer_when(words: Words, appeal: AppealRecord, value: datetime) -> str:
    """When the answer was given: the moment, or its day when the moment falls before the
    receipt date."""
    if local_day(words, value) >= appeal.received_on:
        return moment(words, value)
    return day(words, appeal.outgoing_date or shown_day(words, appeal, value))


def answer_particulars(
    words: Words, appeal: AppealRecord, body: str | None, higher_body: str
) -> list[str]:
    """The lines after the answer's text. `body`: the name of the executive body that answered;
    `higher_body`: where a refusal may be appealed (Art. 16)."""
    result = Result(appeal.result or Result.EXPLAINED.value)
    lines = [words._("Result: {value}").format(value=result_name(words, result.value))]
    if result is Result.REFUSED:
        lines.append(
            words._("Grounds for the refusal: {grounds}").format(
                grounds=appeal.refusal_grounds or ""
            )
        )
        lines.append(
            words._(
                "How to appeal: you may file a complaint about this decision with {body} (Art. "
                "16 of the Law “On Citizens' Appeals”) within one month of receiving this "
                "answer, or go to court."
            ).format(body=higher_body)
        )
    signed = words._("Signed: {name}, {position}").format(
        name=appeal.signatory_name or "", position=appeal.signatory_position or ""
    )
    if body:
        signed += "\n" + words._("Executive body: {name}").format(name=body)
    if appeal.outgoing_number and appeal.outgoing_date:
        signed += "\n" + words._("Outgoing No. {number} of {date}").format(
            number=appeal.outgoing_number, date=day(words, appeal.outgoing_date)
        )
    lines.append(signed)
    return lines
