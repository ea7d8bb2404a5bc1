"""The register's rules: statuses, indexes, roles and what a valid appeal field looks like."""

import itertools

import pytest

from handlers.phones import normalize_phone
from reception.classifier import AUTHOR_CATEGORIES, TOPICS
from reception.numbering import IndexFormat, format_index, surname_letter
from reception.roles import Permission, Role, can, sees_appeal, sees_identity
from reception.statuses import (
    OPEN_STATUSES,
    TRANSITIONS,
    Status,
    TransitionError,
    can_transition,
    ensure_transition,
)
from reception.validation import (
    APOSTROPHE,
    FullName,
    NameProblem,
    ResidenceProblem,
    check_residence,
    clean_text,
    has_substance,
    normalize_email,
    parse_full_name,
)


def test_the_main_path_of_an_appeal_is_allowed() -> None:
    path = [Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED]
    for current, target in itertools.pairwise(path):
        ensure_transition(current, target)


def test_final_statuses_lead_nowhere() -> None:
    for status in (Status.FORWARDED, Status.RETURNED, Status.NOT_CONSIDERED, Status.WITHDRAWN):
        assert TRANSITIONS[status] == frozenset()
        with pytest.raises(TransitionError):
            ensure_transition(status, Status.ASSIGNED)


def test_an_answer_is_never_reopened_the_author_files_a_repeated_appeal_instead() -> None:
    # "Not solved" closes the answered appeal and registers a repeated one with its own index and
    # term (tests/test_whole_cycle.py); an answered appeal's only way on is to be closed.
    assert TRANSITIONS[Status.ANSWERED] == frozenset({Status.CLOSED})
    assert TRANSITIONS[Status.CLOSED] == frozenset()
    assert not can_transition(Status.ANSWERED, Status.ASSIGNED)
    assert Status.ANSWERED not in OPEN_STATUSES


def test_a_registered_appeal_cannot_be_answered_before_it_is_assigned() -> None:
    assert not can_transition(Status.REGISTERED, Status.ANSWERED)


def test_every_status_has_its_transitions() -> None:
    assert set(TRANSITIONS) == set(Status)


def test_index_takes_the_first_letter_of_the_surname() -> None:
    fmt = IndexFormat()
    assert format_index(fmt, surname="Шевченко", collective=False, number=123, year=2026) == (
        "Ш-123"
    )
    assert format_index(fmt, surname="ʼЄвтух", collective=False, number=7, year=2026) == "Є-7"
    assert format_index(fmt, surname="Шевченко", collective=True, number=8, year=2026) == "КО-8"


def test_index_format_is_a_setting() -> None:
    fmt = IndexFormat(template="{letter}-{number}/{yy}")
    assert format_index(fmt, surname="Гнатюк", collective=False, number=5, year=2027) == "Г-5/27"


@pytest.mark.parametrize("template", ["{letter}", "{letter}-{nomer}", "{letter-{number}"])
def test_a_template_without_the_number_is_refused(template: str) -> None:
    with pytest.raises(ValueError, match="template"):
        IndexFormat(template=template).validate()


def test_a_surname_needs_a_letter() -> None:
    with pytest.raises(ValueError, match="letter"):
        surname_letter("123")


def test_the_classifier_has_25_topics_none_claimed_verified() -> None:
    assert [t.code for t in TOPICS] == [f"{n:03d}" for n in range(1, 26)]
    assert not any(t.verified for t in TOPICS)
    # Classifier 858, 7.x: the codes LAW.md checks are marked verified, the others are not.
    verified = {c.code for c in AUTHOR_CATEGORIES if c.verified}
    assert verified == {"7.1", "7.5", "7.7", "7.8", "7.9", "7.16"}


def test_roles() -> None:
    assert can(Role.CITIZEN, Permission.FILE_APPEAL)
    assert not can(Role.CITIZEN, Permission.VIEW_ALL)
    assert can(Role.OPERATOR, Permission.TRIAGE)
    assert not can(Role.EXECUTOR, Permission.TRIAGE)
    assert can(Role.ADMIN, Permission.MANAGE_STAFF)
    assert not can(Role.OPERATOR, Permission.MANAGE_STAFF)


def test_article_10_hides_the_author_from_executors_only() -> None:
    assert not sees_identity(Role.EXECUTOR, confidential=True)
    assert sees_identity(Role.EXECUTOR, confidential=False)
    assert sees_identity(Role.OPERATOR, confidential=True)


def test_executors_see_only_their_department() -> None:
    assert sees_appeal(Role.EXECUTOR, is_author=False, viewer_department=1, appeal_department=1)
    assert not sees_appeal(
        Role.EXECUTOR, is_author=False, viewer_department=1, appeal_department=2
    )
    assert not sees_appeal(
        Role.CITIZEN, is_author=False, viewer_department=None, appeal_department=None
    )
    assert sees_appeal(
        Role.CITIZEN, is_author=True, viewer_department=None, appeal_department=None
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Шевченко Тарас Григорович", FullName("Шевченко", "Тарас", "Григорович")),
        ("  шевченко   тарас  григорович ", FullName("Шевченко", "Тарас", "Григорович")),
        ("Дем'янчук Ольга Іванівна", FullName(f"Дем{APOSTROPHE}янчук", "Ольга", "Іванівна")),
        ("Дем’янчук Ольга Іванівна", FullName(f"Дем{APOSTROPHE}янчук", "Ольга", "Іванівна")),
        (
            "Квітка-Основ'яненко Григорій Федорович",
            FullName(f"Квітка-Основ{APOSTROPHE}яненко", "Григорій", "Федорович"),
        ),
        # A Latin "i" and "o" typed on a Cyrillic word are fixed, not refused.
        ("Iваненко Петро Миколайoвич", FullName("Іваненко", "Петро", "Миколайович")),
        ("Smith John Paul", FullName("Smith", "John", "Paul")),
        # Art. 5: the patronymic only "if any"; a foreign name in Latin letters is a name.
        ("Smith John", FullName("Smith", "John", "")),
        ("Шевченко", FullName("Шевченко", "", "")),
        (
            "Шевченко Тарас Григорович Молодший",
            FullName("Шевченко", "Тарас", "Григорович Молодший"),
        ),
    ],
)
def test_names_are_accepted_and_tidied(typed: str, expected: FullName) -> None:
    assert parse_full_name(typed) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", NameProblem.PARTS),
        ("Шевченко Тарас Григорович Молодший Старший", NameProblem.PARTS),
        ("Шевченко Тарас 123", NameProblem.CHARACTERS),
        ("Шевченко Тарас 😀", NameProblem.CHARACTERS),
        ("Шевченко Тарас Григ@рович", NameProblem.CHARACTERS),
        ("Шевченкоfgh Тарас Григорович", NameProblem.MIXED_SCRIPTS),
        ("Ш" * 61 + " Тарас Григорович", NameProblem.TOO_LONG),
        ("-Шевченко Тарас Григорович", NameProblem.CHARACTERS),
    ],
)
def test_bad_names_are_refused_with_the_reason(typed: str, problem: NameProblem) -> None:
    assert parse_full_name(typed) is problem


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("050 123 45 67", "+380501234567"),
        ("+38 (050) 123-45-67", "+380501234567"),
        ("380501234567", "+380501234567"),
        ("0332 72 45 00", "+380332724500"),
        ("501234567", "+380501234567"),
        ("12345", None),
        ("+48 601 234 567", "+48601234567"),  # abroad, with the country code
        ("+1 202 555 0100", "+12025550100"),
        ("123456789", None),  # issue 11: nine digits are not a Ukrainian number
        ("80501234567", None),
        ("1" * 5000, None),
        ("телефон", None),
        ("000 000 00 00", None),
    ],
)
def test_phones_are_validated_for_ukraine_and_abroad(typed: str, expected: str | None) -> None:
    assert normalize_phone(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Petro.Ivanenko@Ukr.NET", "Petro.Ivanenko@ukr.net"),
        (" name@example.com ", "name@example.com"),
        ("name@example", None),
        ("name@@example.com", None),
        ("пошта@приклад.укр", None),
        ("a..b@example.com", None),
    ],
)
def test_emails_are_validated(typed: str, expected: str | None) -> None:
    assert normalize_email(typed) == expected


def test_residence_is_required_and_sensible() -> None:
    assert (
        check_residence("м. Луцьк, вул. Лесі Українки, 35") == "м. Луцьк, вул. Лесі Українки, 35"
    )
    assert check_residence("Луц") is ResidenceProblem.TOO_SHORT
    # Art. 5: a settlement alone is not a place to write to; the street is needed too.
    assert check_residence("Луцьк") is ResidenceProblem.NO_STREET
    assert check_residence("м. Луцьк, 35") is ResidenceProblem.NO_STREET
    assert check_residence("Луцьк, Шевченка 5") == "Луцьк, Шевченка 5"
    assert check_residence("Warszawa, ul. Marszałkowska 10") == "Warszawa, ul. Marszałkowska 10"
    assert check_residence("12345 67") is ResidenceProblem.NO_LETTERS
    assert check_residence("Луцьк " * 100) is ResidenceProblem.TOO_LONG


def test_an_appeal_needs_words_not_only_emoji() -> None:
    assert not has_substance("😡😡😡!!! ???")
    assert has_substance("Не працює ліфт у під'їзді")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (
            "Родина 👨\u200d👩\u200d👧 і прапор 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
            None,
        ),
        ("нове емодзі \U0001fae9 ще", None),  # newer than some Unicode tables
        ("a\x00b\x07c\x1bd", "abcd"),
        ("evil\u202egpj.exe", "evilgpj.exe"),
    ],
)
def test_text_cleaning_keeps_emoji_and_joiners_and_drops_controls(
    typed: str, kept: str | None
) -> None:
    assert clean_text(typed) == (typed if kept is None else kept)
