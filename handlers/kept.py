"""What a conversation keeps between messages beside its step: each key of the saved state's
data, named once (the values are what states saved by earlier versions hold)."""

from enum import StrEnum


class Kept(StrEnum):
    DRAFT = "draft"
    #: The filing step a person left for "My appeals" or a command, to come back to.
    DRAFT_STEP = "draft_step"
    #: The citizen's appeal open under "My appeals", and the page of their list.
    APPEAL_ID = "appeal_id"
    MY_PAGE = "my_page"
    #: The words a staff /find searched for, and a place an employee shared, for paging.
    FOUND = "found"
    NEAR = "near"
    #: The personal-data notice was shown in this conversation.
    NOTICE_SEEN = "notice_seen"
    #: The button labels of the last reply, so that typed label text works as a tap.
    LABELS = "labels"
    #: The step to come back to after choosing another language.
    RETURN_TO = "return_to"
    #: The answered appeal whose author said the problem is not solved, and what they file.
    UNRESOLVED = "unresolved"
    UNRESOLVED_KIND = "unresolved_kind"
    #: Text a person typed before they could file, offered back as the appeal's start.
    OFFERED = "offered_text"
    #: Recordings sent at the menu (attachment ids), offered as an appeal's start too; and
    #: that one came before consent, when it could not be received.
    OFFERED_FILES = "offered_files"
    OFFERED_UNHEARD = "offered_unheard"
    #: A residence being corrected in parts.
    CORRECT_RESIDENCE = "correct_residence_part"
    #: An employee's unfinished action (`handlers.pending`).
    PENDING = "pending"
    #: The link code this account sent, waiting for the person's confirmation (its row id).
    LINK_CODE = "link_code"
