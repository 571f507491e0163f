"""The app's SECRET_KEY: refused in production when weak, kept locally for development, and the keys
derived from it for one purpose each (HKDF-SHA256), so no two uses ever share key material.

- `backend.wsgi` (what gunicorn loads) calls `require_production_secret`: SECRET_KEY must be set in
  the environment, be at least 32 bytes, and not be the old development default.
- Anything else (`make run`, `flask ...`) without SECRET_KEY uses a random secret generated once and
  kept in `<instance>/secret_key` (mode 0600), so signing keys wrapped today still open tomorrow.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_SECRET_BYTES = 32
# The default SECRET_KEY of earlier versions: never acceptable in production.
LEGACY_DEFAULT_SECRET = "dev-only-change-me"
LOCAL_SECRET_FILE = "secret_key"


def weak_secret_reason(secret: str | None) -> str | None:
    """Why `secret` is not fit for production, or None when it is."""
    if not secret:
        return "SECRET_KEY is not set / 未设置 SECRET_KEY"
    if secret == LEGACY_DEFAULT_SECRET:
        return "SECRET_KEY is the development default / SECRET_KEY 仍是开发默认值"
    if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        return (
            f"SECRET_KEY is shorter than {MIN_SECRET_BYTES} bytes / SECRET_KEY 短于 {MIN_SECRET_BYTES} 字节"
        )
    return None


def require_production_secret(secret: str | None) -> None:
    """Stop the process (SystemExit, non-zero) with a bilingual message when `secret` is weak."""
    reason = weak_secret_reason(secret)
    if reason is not None:
        raise SystemExit(
            "拒绝启动：生产环境必须设置足够强的 SECRET_KEY（至少 32 字节的随机值，例如 "
            "`python -c \"import secrets; print(secrets.token_urlsafe(48))\"`）。\n"
            "Refusing to start: production needs a strong SECRET_KEY (at least 32 random bytes, e.g. "
            "`python -c \"import secrets; print(secrets.token_urlsafe(48))\"`).\n"
            f"Reason / 原因: {reason}"
        )


def local_secret(instance_dir: Path) -> str:
    """The development secret kept in `<instance>/secret_key`, generated (mode 0600) on first use."""
    path = Path(instance_dir) / LOCAL_SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text(encoding="ascii").strip()


def derive_key(secret_key: str, *, purpose: bytes, length: int = 32) -> bytes:
    """A key for one purpose (`purpose` is the HKDF info, e.g. b"chajian risk draw v1")."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose).derive(
        secret_key.encode("utf-8")
    )
