"""SECRET_KEY: production refuses a weak one, development keeps a generated one, and each use gets a
key derived for its purpose."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from backend.core.secrets import derive_key, local_secret, weak_secret_reason

ROOT = Path(__file__).resolve().parents[2]


def _import_wsgi(tmp_path, secret: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'wsgi.db'}"
    env["STORAGE_DIR"] = str(tmp_path / "storage")
    env["LOG_REQUESTS"] = "0"
    if secret is not None:
        env["SECRET_KEY"] = secret
    return subprocess.run(
        [sys.executable, "-c", "import backend.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )


@pytest.mark.parametrize("secret", [None, "", "dev-only-change-me", "x" * 31, "短" * 10])
def test_the_production_entry_refuses_a_missing_default_or_short_secret(tmp_path, secret):
    result = _import_wsgi(tmp_path, secret)
    assert result.returncode != 0
    assert "拒绝启动" in result.stderr and "Refusing to start" in result.stderr
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_the_production_entry_starts_with_a_strong_secret(tmp_path):
    result = _import_wsgi(tmp_path, "k" * 32)
    assert result.returncode == 0, result.stderr


def test_weak_secret_reasons():
    assert weak_secret_reason("a" * 32) is None
    assert "32" in weak_secret_reason("一二三四五六七八九十")  # 30 bytes in UTF-8
    assert weak_secret_reason("一二三四五六七八九十一") is None  # 33 bytes


def test_the_local_secret_is_generated_once_private_and_strong(tmp_path):
    first = local_secret(tmp_path)
    assert weak_secret_reason(first) is None
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert local_secret(tmp_path) == first
    assert local_secret(tmp_path / ".." / tmp_path.name) == first


def test_purpose_keys_differ_from_each_other_and_from_the_secret():
    draw = derive_key("s" * 40, purpose=b"chajian risk draw v1")
    wrap = derive_key("s" * 40, purpose=b"chajian certificates signing-key wrap v1")
    assert len(draw) == len(wrap) == 32 and draw != wrap and b"s" * 32 not in (draw, wrap)
