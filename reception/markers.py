"""A marker for texts that are translated where they are shown, not where they are defined."""


def N_(message: str) -> str:
    return message
