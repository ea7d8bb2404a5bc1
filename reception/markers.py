"""Markers for texts that are translated where they are shown, not where they are defined."""


def N_(message: str) -> str:
    return message


def NC_(context: str, message: str) -> tuple[str, str]:
    """A text with its context (`pgettext`), for a word that reads differently elsewhere."""
    return context, message
