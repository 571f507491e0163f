"""Local storage: put/get/open/exists/delete, atomic writes, safe keys; the upload spool."""

import os

import pytest

from backend.media import spool
from backend.media.storage import LocalStorage, derivative_key, original_key


def test_put_get_open_exists_delete(tmp_path):
    storage = LocalStorage(tmp_path)
    key = original_key("ab" + "0" * 62)
    assert key == "originals/ab/ab" + "0" * 62
    assert not storage.exists(key)
    assert storage.put(key, b"evidence") is True
    assert storage.exists(key) and storage.get(key) == b"evidence"
    with storage.open(key) as handle:
        assert handle.read() == b"evidence"
    # Content-addressed: a second put of the same key leaves the first bytes alone.
    assert storage.put(key, b"other") is False
    assert storage.get(key) == b"evidence"
    storage.delete(key)
    assert not storage.exists(key) and storage.keys() == []
    storage.delete(key)  # deleting twice is fine


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "originals/../../x", "/abs/path", "Originals/X", "single", ""]
)
def test_unsafe_keys_are_refused(tmp_path, key):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).put(key, b"x")


def test_derivative_key_is_named_after_the_original():
    assert derivative_key("display", "cd" + "1" * 62) == "display/cd/cd" + "1" * 62 + ".jpg"


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_crash_during_put_leaves_no_file_under_the_final_name(tmp_path, monkeypatch, failing):
    storage = LocalStorage(tmp_path)
    key = original_key("ef" + "2" * 62)

    def boom(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError):
        storage.put(key, b"half a photo")
    monkeypatch.undo()
    assert not storage.exists(key)
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []


def test_spool_writes_at_offset_and_cuts_unacknowledged_tail(app):
    spool.write_chunk(7, 0, b"AAAA")
    spool.write_chunk(7, 4, b"BBBBBBBB")  # written and fsynced, but say the commit never happened
    spool.write_chunk(7, 4, b"CC")  # the client resends from the acknowledged offset
    assert spool.part_path(7).read_bytes() == b"AAAACC"
    assert spool.read_part(7, 6) == b"AAAACC"
    spool.discard(7)
    assert not spool.part_path(7).exists()
