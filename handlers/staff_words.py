"""The closed words staff may type after a command, in Ukrainian as the Ukrainian help shows
them, or in the Latin of the English help: each Ukrainian word names one Latin one. Only the
word in a closed position is read this way; a reason or a comment is kept as typed."""

UKRAINIAN: dict[str, str] = {
    # /assign … confirm
    "підтвердити": "confirm",
    # /return … art7
    "ст7": "art7",
    "ст.7": "art7",
    # /reject … (Art. 8)
    "анонімне": "anonymous",
    "повторне": "repeated",
    "пропущено": "late",
    "недієздатний": "incapable",
    # /hide … off
    "показати": "off",
    # /register …
    "телефон": "phone",
    "особисто": "person",
    "пошта": "post",
    # /stats, /report
    "тиждень": "week",
    "місяць": "month",
    "квартал": "quarter",
    "рік": "year",
    "усе": "all",
    "все": "all",
    "попередній": "previous",
    # /invite
    "оператор": "operator",
    "адміністратор": "admin",
    "виконавець": "executor",
    # /templates add|delete
    "додати": "add",
    "видалити": "delete",
    # /classify INDEX FIELD CODE
    "вид": "kind",
    "тема": "topic",
    "форма": "form",
    "ознака": "sign",
    "категорія": "category",
}


def canonical(word: str) -> str:
    """The Latin word a typed one stands for, lower-cased."""
    lowered = word.casefold()
    return UKRAINIAN.get(lowered, lowered)
