"""Partial uploads on local disk: one file per upload, written at an offset and fsynced.

The database row holds the acknowledged offset; the file may hold more bytes after a crash between
the fsync and the commit. Those bytes are never trusted: the next chunk is written at the recorded
offset and the file is cut to its end.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app

from backend.media.storage import fsync_directory, storage_root


def spool_dir() -> Path:
    folder = current_app.extensions.get("chajian_spool")
    if folder is None:
        folder = storage_root() / "incoming"
        folder.mkdir(parents=True, exist_ok=True)
        current_app.extensions["chajian_spool"] = folder
    return folder


def part_path(upload_id: int) -> Path:
    return spool_dir() / f"{int(upload_id)}.part"


def write_chunk(upload_id: int, offset: int, data: bytes) -> None:
    """Write `data` at `offset`, drop anything after it, and fsync before returning."""
    path = part_path(upload_id)
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        view = memoryview(data)
        position = offset
        while view:
            written = os.pwrite(fd, view, position)
            view = view[written:]
            position += written
        os.ftruncate(fd, offset + len(data))
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_directory(path.parent)


def read_part(upload_id: int, size: int) -> bytes:
    """The first `size` bytes of the part (the acknowledged ones); b"" if the part is gone."""
    try:
        with open(part_path(upload_id), "rb") as handle:
            return handle.read(size)
    except FileNotFoundError:  # lost (a crash, an operator): the hash check then restarts the upload
        return b""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def discard(upload_id: int) -> None:
    part_path(upload_id).unlink(missing_ok=True)
