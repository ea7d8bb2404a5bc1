"""The citizen's conversation as a table: state → how it asks, how it answers, what it expects.

docs/citizen-flow.md draws the same table as a diagram.
"""

from handlers import (
    correction,
    feedback,
    filing,
    me_too,
    menu,
    my_appeals,
    offer,
    onboarding,
    staff_answer,
    staff_classify,
    staff_flow,
    staff_register,
    submission,
)
from handlers.context import Step
from handlers.progress import numbered
from reception.markers import N_

STEPS: dict[str, Step] = {
    "language": Step(
        onboarding.ask_language,
        onboarding.answer_language,
        N_("Please choose a language with a button."),
    ),
    "consent": Step(
        onboarding.ask_consent,
        onboarding.answer_consent,
        N_("Please answer with a button: do you agree to the processing of your personal data?"),
    ),
    "menu": Step(
        menu.ask_menu,
        offer.answer_menu,
        N_("Please choose what to do with a button, or type /help."),
    ),
    "correct": Step(
        correction.ask_correct,
        correction.answer_correct,
        N_("Please choose with a button which detail to correct."),
    ),
    "correct_name": Step(
        correction.ask_correct_name,
        correction.answer_correct_name,
        N_("Please type your surname, first name and patronymic, or tap “Back”."),
    ),
    "correct_residence": Step(
        correction.ask_correct_residence,
        correction.answer_correct_residence,
        N_("Please type your place of residence, or tap “Back”."),
    ),
    "correct_phone": Step(
        correction.ask_correct_phone,
        correction.answer_correct_phone,
        N_("Please share your phone number or type it, or tap “Back”."),
    ),
    "correct_email": Step(
        correction.ask_correct_email,
        correction.answer_correct_email,
        N_("Please type your e-mail address, or tap “Back”."),
    ),
    "resume": Step(
        submission.ask_resume,
        submission.answer_resume,
        N_("Please choose with a button whether to continue your draft."),
    ),
    "kind": Step(
        numbered("kind", filing.ask_kind),
        filing.answer_kind,
        N_("Please choose the kind of appeal with a button."),
    ),
    "topic": Step(
        numbered("topic", filing.ask_topic),
        filing.answer_topic,
        N_("Please choose the topic with a button."),
    ),
    "text": Step(
        numbered("text", filing.ask_text),
        filing.answer_text,
        N_("Please send the text of the appeal, a photo or a document, or tap “Done”."),
    ),
    "location": Step(
        numbered("location", filing.ask_location),
        filing.answer_location,
        N_("Please type the address, share a location, or tap “Skip”."),
    ),
    "profile": Step(
        numbered("profile", filing.ask_profile),
        filing.answer_profile,
        N_("Please answer with a button whether to use your saved details."),
    ),
    "similar": Step(
        me_too.ask_similar,
        me_too.answer_similar,
        N_("Please answer with a button: is it the same problem as the one reported nearby?"),
    ),
    "name": Step(
        numbered("name", filing.ask_name),
        filing.answer_name,
        N_("Please type your surname, first name and patronymic."),
    ),
    "residence": Step(
        numbered("residence", filing.ask_residence),
        filing.answer_residence,
        N_("Please type your place of residence."),
    ),
    "phone": Step(
        numbered("phone", filing.ask_phone),
        filing.answer_phone,
        N_("Please share your phone number or type it."),
    ),
    "email": Step(
        numbered("email", filing.ask_email),
        filing.answer_email,
        N_("Please type your e-mail address or tap “Skip”."),
    ),
    "options": Step(
        numbered("options", filing.ask_options),
        filing.answer_options,
        N_("Please use the buttons to change an option, then tap “Continue”."),
    ),
    "coauthors": Step(
        filing.ask_coauthors, filing.answer_coauthors, N_("Please type the number of co-authors.")
    ),
    "coauthor_names": Step(
        filing.ask_coauthor_names,
        filing.answer_coauthor_names,
        N_("Please type the co-authors' names, one per line, or tap “Skip”."),
    ),
    "category": Step(
        filing.ask_category,
        filing.answer_category,
        N_("Please choose your category with a button."),
    ),
    "summary": Step(
        submission.ask_summary,
        submission.answer_summary,
        N_("Please check the summary and choose with a button: submit, change or cancel."),
    ),
    "edit": Step(
        submission.ask_edit,
        submission.answer_edit,
        N_("Please choose with a button what to change."),
    ),
    "discard": Step(
        submission.ask_discard, submission.answer_discard, N_("Please answer with a button.")
    ),
    "my_list": Step(
        my_appeals.ask_my_list,
        my_appeals.answer_my_list,
        N_("Please choose an appeal with a button."),
    ),
    "my_appeal": Step(
        my_appeals.ask_my_appeal,
        my_appeals.answer_my_appeal,
        N_("Please choose an action with a button."),
    ),
    "add_info": Step(
        my_appeals.ask_add_info,
        my_appeals.answer_add_info,
        N_("Please send text, a photo or a document, or tap “Back”."),
    ),
    "withdraw": Step(
        my_appeals.ask_withdraw, my_appeals.answer_withdraw, N_("Please answer with a button.")
    ),
    "unresolved_kind": Step(
        feedback.ask_unresolved_kind,
        feedback.answer_unresolved_kind,
        N_("Please choose with a button."),
    ),
    "unresolved_text": Step(
        feedback.ask_unresolved_text,
        feedback.answer_unresolved_text,
        N_("Please describe what remains unsolved."),
    ),
    "staff_department": Step(
        staff_flow.ask_department,
        staff_flow.answer_department,
        N_("Please choose the department with a button."),
    ),
    "staff_term": Step(
        staff_flow.ask_term, staff_flow.answer_term, N_("Please choose the term with a button.")
    ),
    "staff_input": Step(
        staff_flow.ask_input, staff_flow.answer_input, N_("Please type the text.")
    ),
    "staff_reason": Step(
        staff_flow.ask_reason,
        staff_flow.answer_reason,
        N_("Please choose the reason with a button."),
    ),
    "staff_classify": Step(
        staff_classify.ask_field,
        staff_classify.answer_field,
        N_("Please choose with a button what to correct, or tap “Done”."),
    ),
    "staff_classify_code": Step(
        staff_classify.ask_code,
        staff_classify.answer_code,
        N_("Please choose the new value with a button."),
    ),
    "staff_register_way": Step(
        staff_register.ask_way,
        staff_register.answer_way,
        N_("Please choose with a button how the appeal was received."),
    ),
    "staff_answer": Step(
        staff_answer.ask_answer,
        staff_answer.answer_answer,
        N_("Please send the text or files of the answer, or tap “Done”."),
    ),
    "staff_result": Step(
        staff_answer.ask_result,
        staff_answer.answer_result,
        N_("Please choose the result with a button."),
    ),
    "staff_grounds": Step(
        staff_answer.ask_grounds,
        staff_answer.answer_grounds,
        N_("Please type the grounds for the refusal."),
    ),
    "staff_signatory": Step(
        staff_answer.ask_signatory,
        staff_answer.answer_signatory,
        N_("Please type the name and the position separated by a semicolon."),
    ),
    "staff_assign_confirm": Step(
        staff_flow.ask_assign_confirm,
        staff_flow.answer_assign_confirm,
        N_("Please answer with a button."),
    ),
    "staff_confirm": Step(
        staff_answer.ask_confirm,
        staff_answer.answer_confirm,
        N_("Please confirm or cancel the answer with a button."),
    ),
}

#: Steps that belong to filing a draft: leaving one of them remembers where to come back.
FILING_STEPS = frozenset(
    {
        "kind",
        "topic",
        "text",
        "location",
        "similar",
        "profile",
        "name",
        "residence",
        "phone",
        "email",
        "options",
        "coauthors",
        "coauthor_names",
        "category",
        "summary",
        "edit",
        "discard",
    }
)

#: Steps in which a file may come: elsewhere a file is answered with where it belongs.
FILE_STEPS = frozenset({"text", "add_info", "staff_answer"})
