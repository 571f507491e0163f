"""Where photo bytes live: a small key -> bytes interface and its local-files implementation.

Writes are atomic (temporary file, fsync, rename, fsync of the directory), so a crash never leaves a
half-written file under a final name. Originals are content-addressed by their SHA-256.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

_KEY = re.compile(r"^[a-z0-9]+(?:/[a-z0-9][a-z0-9._-]*)+$")
_TEMP_PREFIX = ".tmp-"


class Storage(Protocol):
    """The operations the media domain needs; an object store could implement them too."""

    def put(self, key: str, data: bytes) -> bool:
        """Store `data` under `key` atomically; False when the key already existed (left as it was)."""

    def get(self, key: str) -> bytes: ...

    def open(self, key: str) -> BinaryIO: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


def original_key(sha256: str) -> str:
    """Content address of an original: originals/ab/<sha256>."""
    return f"originals/{sha256[:2]}/{sha256}"


def derivative_key(kind: str, original_sha256: str) -> str:
    """Derivatives are fully determined by the original, so they share its address."""
    return f"{kind}/{original_sha256[:2]}/{original_sha256}.jpg"


def fsync_directory(path: Path) -> None:
    """Make a rename or a new file in `path` survive a crash (a no-op where unsupported)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class LocalStorage:
    """Files under one root directory; keys are relative paths of lower-case segments."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        if not _KEY.match(key) or ".." in key:
            raise ValueError(f"invalid storage key {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> bool:
        final = self.path(key)
        if final.exists():
            # The bytes are in use again: a fresh mtime keeps backend.media.cleanup from removing
            # them before the row that will refer to them commits.
            try:
                os.utime(final)
                return False
            except FileNotFoundError:
                pass  # removed just now by the clean-up: store them again
            except PermissionError:
                return False
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.parent / f"{_TEMP_PREFIX}{final.name}.{secrets.token_hex(6)}"
        try:
            with open(temp, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        fsync_directory(final.parent)
        return True

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def open(self, key: str) -> BinaryIO:
        return open(self.path(key), "rb")

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        """Every stored key (temporary files excluded); for checks and maintenance."""
        return sorted(
            str(p.relative_to(self.root))
            for p in self.root.rglob("*")
            if p.is_file() and not p.name.startswith(_TEMP_PREFIX)
        )


def storage_root() -> Path:
    return Path(current_app.config.get("STORAGE_DIR") or Path(current_app.instance_path) / "storage")


def get_storage() -> LocalStorage:
    """The app's storage, created once per app."""
    storage = current_app.extensions.get("chajian_storage")
    if storage is None:
        storage = current_app.extensions["chajian_storage"] = LocalStorage(storage_root() / "objects")
    return storage
