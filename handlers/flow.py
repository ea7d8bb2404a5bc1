"""The citizen's conversation as a table: state → how it asks, how it answers, what it expects.

docs/citizen-flow.md draws the same table as a diagram.
"""

from handlers import (
    correction,
    feedback,
    filing,
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
from handlers.steps import StepName
from reception.markers import N_

STEPS: dict[StepName, Step] = {
    StepName.LANGUAGE: Step(
        onboarding.ask_language,
        onboarding.answer_language,
        N_("Please choose a language with a button."),
    ),
    StepName.CONSENT: Step(
        onboarding.ask_consent,
        onboarding.answer_consent,
        N_("Please answer with a button: do you agree to the processing of your personal data?"),
    ),
    StepName.MENU: Step(
        menu.ask_menu,
        offer.answer_menu,
        N_("Please choose what to do with a button, or type /help."),
    ),
    StepName.CORRECT: Step(
        correction.ask_correct,
        correction.answer_correct,
        N_("Please choose with a button which detail to correct."),
    ),
    StepName.CORRECT_NAME: Step(
        correction.ask_correct_name,
        correction.answer_correct_name,
        N_("Please type your surname, first name and patronymic, or tap “Back”."),
    ),
    StepName.CORRECT_RESIDENCE: Step(
        correction.ask_correct_residence,
        correction.answer_correct_residence,
        N_("Please type your place of residence, or tap “Back”."),
    ),
    StepName.CORRECT_PHONE: Step(
        correction.ask_correct_phone,
        correction.answer_correct_phone,
        N_("Please share your phone number or type it, or tap “Back”."),
    ),
    StepName.CORRECT_EMAIL: Step(
        correction.ask_correct_email,
        correction.answer_correct_email,
        N_("Please type your e-mail address, or tap “Back”."),
    ),
    StepName.RESUME: Step(
        submission.ask_resume,
        submission.answer_resume,
        N_("Please choose with a button whether to continue your draft."),
    ),
    StepName.KIND: Step(
        numbered(StepName.KIND, filing.ask_kind),
        filing.answer_kind,
        N_("Please choose the kind of appeal with a button."),
    ),
    StepName.TOPIC: Step(
        numbered(StepName.TOPIC, filing.ask_topic),
        filing.answer_topic,
        N_("Please choose the topic with a button."),
    ),
    StepName.TEXT: Step(
        numbered(StepName.TEXT, filing.ask_text),
        filing.answer_text,
        N_("Please send the text of the appeal, a photo or a document, or tap “Done”."),
    ),
    StepName.LOCATION: Step(
        numbered(StepName.LOCATION, filing.ask_location),
        filing.answer_location,
        N_("Please type the address, share a location, or tap “Skip”."),
    ),
    StepName.LOCATION_ADDRESS: Step(
        # The same question's second half: it keeps the location's number.
        numbered(StepName.LOCATION, filing.ask_location_address),
        filing.answer_location_address,
        N_("Please type the address or a landmark, or tap “Continue”."),
    ),
    StepName.PROFILE: Step(
        numbered(StepName.PROFILE, filing.ask_profile),
        filing.answer_profile,
        N_("Please answer with a button whether to use your saved details."),
    ),
    StepName.NAME: Step(
        numbered(StepName.NAME, filing.ask_name),
        filing.answer_name,
        N_("Please type your surname, first name and patronymic."),
    ),
    StepName.RESIDENCE: Step(
        numbered(StepName.RESIDENCE, filing.ask_residence),
        filing.answer_residence,
        N_("Please type your place of residence."),
    ),
    StepName.PHONE: Step(
        numbered(StepName.PHONE, filing.ask_phone),
        filing.answer_phone,
        N_("Please share your phone number or type it."),
    ),
    StepName.EMAIL: Step(
        numbered(StepName.EMAIL, filing.ask_email),
        filing.answer_email,
        N_("Please type your e-mail address or tap “Skip”."),
    ),
    StepName.OPTIONS: Step(
        numbered(StepName.OPTIONS, filing.ask_options),
        filing.answer_options,
        N_("Please use the buttons to change an option, then tap “Continue”."),
    ),
    StepName.COAUTHORS: Step(
        filing.ask_coauthors, filing.answer_coauthors, N_("Please type the number of co-authors.")
    ),
    StepName.COAUTHOR_NAMES: Step(
        filing.ask_coauthor_names,
        filing.answer_coauthor_names,
        N_("Please type the co-authors' names, one per line, or tap “Skip”."),
    ),
    StepName.CATEGORY: Step(
        filing.ask_category,
        filing.answer_category,
        N_("Please choose your category with a button."),
    ),
    StepName.SUMMARY: Step(
        submission.ask_summary,
        submission.answer_summary,
        N_("Please check the summary and choose with a button: submit, change or cancel."),
    ),
    StepName.EDIT: Step(
        submission.ask_edit,
        submission.answer_edit,
        N_("Please choose with a button what to change."),
    ),
    StepName.DISCARD: Step(
        submission.ask_discard, submission.answer_discard, N_("Please answer with a button.")
    ),
    StepName.MY_LIST: Step(
        my_appeals.ask_my_list,
        my_appeals.answer_my_list,
        N_("Please choose an appeal with a button."),
    ),
    StepName.MY_APPEAL: Step(
        my_appeals.ask_my_appeal,
        my_appeals.answer_my_appeal,
        N_("Please choose an action with a button."),
    ),
    StepName.ADD_INFO: Step(
        my_appeals.ask_add_info,
        my_appeals.answer_add_info,
        N_("Please send text, a photo or a document, or tap “Back”."),
    ),
    StepName.WITHDRAW: Step(
        my_appeals.ask_withdraw, my_appeals.answer_withdraw, N_("Please answer with a button.")
    ),
    StepName.UNRESOLVED_KIND: Step(
        feedback.ask_unresolved_kind,
        feedback.answer_unresolved_kind,
        N_("Please choose with a button."),
    ),
    StepName.UNRESOLVED_TEXT: Step(
        feedback.ask_unresolved_text,
        feedback.answer_unresolved_text,
        N_("Please describe what remains unsolved."),
    ),
    StepName.STAFF_DEPARTMENT: Step(
        staff_flow.ask_department,
        staff_flow.answer_department,
        N_("Please choose the department with a button."),
    ),
    StepName.STAFF_TERM: Step(
        staff_flow.ask_term, staff_flow.answer_term, N_("Please choose the term with a button.")
    ),
    StepName.STAFF_INPUT: Step(
        staff_flow.ask_input, staff_flow.answer_input, N_("Please type the text.")
    ),
    StepName.STAFF_REASON: Step(
        staff_flow.ask_reason,
        staff_flow.answer_reason,
        N_("Please choose the reason with a button."),
    ),
    StepName.STAFF_RETURN_GROUND: Step(
        staff_flow.ask_return_ground,
        staff_flow.answer_return_ground,
        N_("Please choose with a button why the appeal goes back to its author."),
    ),
    StepName.STAFF_CLASSIFY: Step(
        staff_classify.ask_field,
        staff_classify.answer_field,
        N_("Please choose with a button what to correct, or tap “Done”."),
    ),
    StepName.STAFF_CLASSIFY_CODE: Step(
        staff_classify.ask_code,
        staff_classify.answer_code,
        N_("Please choose the new value with a button."),
    ),
    StepName.STAFF_REGISTER_WAY: Step(
        staff_register.ask_way,
        staff_register.answer_way,
        N_("Please choose with a button how the appeal was received."),
    ),
    StepName.STAFF_ANSWER: Step(
        staff_answer.ask_answer,
        staff_answer.answer_answer,
        N_("Please send the text or files of the answer, or tap “Done”."),
    ),
    StepName.STAFF_RESULT: Step(
        staff_answer.ask_result,
        staff_answer.answer_result,
        N_("Please choose the result with a button."),
    ),
    StepName.STAFF_GROUNDS: Step(
        staff_answer.ask_grounds,
        staff_answer.answer_grounds,
        N_("Please type the grounds for the refusal."),
    ),
    StepName.STAFF_SIGNATORY: Step(
        staff_answer.ask_signatory,
        staff_answer.answer_signatory,
        N_("Please type the name and the position separated by a semicolon."),
    ),
    StepName.STAFF_ASSIGN_CONFIRM: Step(
        staff_flow.ask_assign_confirm,
        staff_flow.answer_assign_confirm,
        N_("Please answer with a button."),
    ),
    StepName.STAFF_CONFIRM: Step(
        staff_answer.ask_confirm,
        staff_answer.answer_confirm,
        N_("Please confirm or cancel the answer with a button."),
    ),
}

#: Steps that belong to filing a draft: leaving one of them remembers where to come back.
FILING_STEPS = frozenset(
    {
        StepName.KIND,
        StepName.TOPIC,
        StepName.TEXT,
        StepName.LOCATION,
        StepName.LOCATION_ADDRESS,
        StepName.PROFILE,
        StepName.NAME,
        StepName.RESIDENCE,
        StepName.PHONE,
        StepName.EMAIL,
        StepName.OPTIONS,
        StepName.COAUTHORS,
        StepName.COAUTHOR_NAMES,
        StepName.CATEGORY,
        StepName.SUMMARY,
        StepName.EDIT,
        StepName.DISCARD,
    }
)

#: Steps in which a file may come: elsewhere a file is answered with where it belongs.
FILE_STEPS = frozenset({StepName.TEXT, StepName.ADD_INFO, StepName.STAFF_ANSWER})
