"""Which files may be attached to an appeal: decided by what the file is (its first bytes),
which must agree with its name's extension; and what name it is kept under."""

import re
import unicodedata
from enum import StrEnum
from pathlib import PurePath

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_APPEAL = 10
#: Per person per day (settings MAX_FILES_PER_DAY, MAX_FILE_MB_PER_DAY): nobody fills the disk.
DEFAULT_FILES_PER_DAY = 30
DEFAULT_BYTES_PER_DAY = 100 * 1024 * 1024
#: How many first bytes decide a file's type.
SNIFF_BYTES = 64
MAX_NAME_CHARS = 120

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
    # Voice messages and recordings: many older people would rather say than type.
    "audio/ogg": frozenset({".ogg", ".oga", ".opus"}),
    "audio/mpeg": frozenset({".mp3"}),
    "audio/mp4": frozenset({".m4a"}),
}
AUDIO_TYPES = frozenset({"audio/ogg", "audio/mpeg", "audio/mp4"})

EXTENSION_TYPES: dict[str, str] = {
    ext: mime for mime, extensions in ALLOWED_TYPES.items() for ext in extensions
}


class FileProblem(StrEnum):
    TOO_LARGE = "too_large"
    TYPE = "type"
    EMPTY = "empty"
    TOO_MANY = "too_many"
    UNREADABLE = "unreadable"
    #: The content is not what the extension says (an `.exe` named `invoice.pdf`).
    MISMATCH = "mismatch"
    #: The person's files or megabytes for today are used up.
    QUOTA = "quota"


def guess_type(name: str) -> str | None:
    return EXTENSION_TYPES.get(PurePath(name).suffix.lower())


def is_recording(name: str) -> bool:
    """A voice message or an audio file, by its name."""
    return guess_type(name) in AUDIO_TYPES


def file_problem(name: str, mime: str | None, size: int, max_bytes: int) -> FileProblem | None:
    if size <= 0:
        return FileProblem.EMPTY
    if size > max_bytes:
        return FileProblem.TOO_LARGE
    by_name = guess_type(name)
    if mime is not None and mime in ALLOWED_TYPES:
        return None
    return None if by_name is not None else FileProblem.TYPE


_ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1")
_M4A_BRANDS = (b"M4A ", b"M4B ", b"mp42", b"isom")
#: MPEG audio frame sync: 11 set bits (MPEG-1/2 layer III, as phones and recorders write).
_MP3_FRAMES = (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xfa")


def sniff(head: bytes) -> str | None:
    """The type the first bytes show, among the allowed ones; None for anything else."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/heic"
    if head[4:8] == b"ftyp" and head[8:12] in _M4A_BRANDS:
        return "audio/mp4"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"ID3") or head[:2] in _MP3_FRAMES:
        return "audio/mpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"
    if head.startswith(b"PK\x03\x04"):
        # ODF puts an uncompressed `mimetype` entry first; any other ZIP may be a DOCX (its
        # parts come in any order, so the first bytes cannot tell more).
        if head[30:].startswith(_ODT_MIMETYPE):
            return "application/vnd.oasis.opendocument.text"
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if _is_text(head):
        return "text/plain"
    return None


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    # The head may end inside a multi-byte character: ignore at most the last 3 bytes.
    for cut in range(4):
        try:
            text = head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return all(ch in "\n\r\t\f" or unicodedata.category(ch) != "Cc" for ch in text)
    return False


def content_problem(name: str, head: bytes) -> FileProblem | None:
    """The extension must be an allowed one and the content must be of that type; a declared
    MIME type proves nothing (`invoice.exe` declared as application/pdf)."""
    expected = guess_type(name)
    if expected is None:
        return FileProblem.TYPE
    if not head:
        return FileProblem.EMPTY
    actual = sniff(head)
    if actual is None:
        return FileProblem.MISMATCH
    if actual == expected:
        return None
    if expected == "application/msword" and actual.endswith("wordprocessingml.document"):
        return None  # a DOCX saved under .doc opens everywhere; it is not dangerous
    return FileProblem.MISMATCH


def safe_name(name: str) -> str:
    """A name to keep and show: no folders, no control or odd characters, not too long, the
    extension kept. Files are stored under random keys; this is only the name people see."""
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(
        ch if ch.isalnum() or ch in " ._-()" else "_"
        for ch in base
        if unicodedata.category(ch)[0] != "C"
    )
    base = re.sub(r"\s+", " ", re.sub(r"_+", "_", base)).strip(" .")
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    extension = extension[:10]
    room = MAX_NAME_CHARS - (len(extension) + 1 if extension else 0)
    stem = stem[:room].strip(" .") or "file"
    return f"{stem}.{extension}" if extension else stem
