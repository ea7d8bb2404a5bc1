"""Attached files on local disk, named by a random key so a name can never escape the folder."""

import secrets
import shutil
from pathlib import Path


class AttachmentStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _new_key(self) -> str:
        return secrets.token_hex(16)

    def path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("not an attachment key")
        return self.root / key[:2] / key

    def save_bytes(self, data: bytes) -> str:
        key = self._new_key()
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return key

    def save_file(self, source: Path) -> str:
        key = self._new_key()
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return key

    def head(self, key: str, size: int) -> bytes:
        """The first bytes of a stored file (empty when it is gone): its type is decided by them."""
        try:
            with self.path(key).open("rb") as stream:
                return stream.read(size)
        except FileNotFoundError:
            return b""

    def delete(self, key: str) -> None:
        """A refused, surplus or erased file leaves the disk."""
        self.path(key).unlink(missing_ok=True)
