"""Which files may be attached to an appeal."""

from enum import StrEnum
from pathlib import PurePath

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_APPEAL = 10

ALLOWED_TYPES: dict[str, frozenset[str]] = {
    "image/jpeg": frozenset({".jpg", ".jpeg"}),
    "image/png": frozenset({".png"}),
    "image/webp": frozenset({".webp"}),
    "image/heic": frozenset({".heic"}),
    "application/pdf": frozenset({".pdf"}),
    "application/msword": frozenset({".doc"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": frozenset(
        {".docx"}
    ),
    "application/vnd.oasis.opendocument.text": frozenset({".odt"}),
    "text/plain": frozenset({".txt"}),
}

EXTENSION_TYPES: dict[str, str] = {
    ext: mime for mime, extensions in ALLOWED_TYPES.items() for ext in extensions
}


class FileProblem(StrEnum):
    TOO_LARGE = "too_large"
    TYPE = "type"
    EMPTY = "empty"
    TOO_MANY = "too_many"
    UNREADABLE = "unreadable"


def guess_type(name: str) -> str | None:
    return EXTENSION_TYPES.get(PurePath(name).suffix.lower())


def file_problem(name: str, mime: str | None, size: int, max_bytes: int) -> FileProblem | None:
    if size <= 0:
        return FileProblem.EMPTY
    if size > max_bytes:
        return FileProblem.TOO_LARGE
    by_name = guess_type(name)
    if mime is not None and mime in ALLOWED_TYPES:
        return None
    return None if by_name is not None else FileProblem.TYPE
