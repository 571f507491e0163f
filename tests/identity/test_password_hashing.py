"""The Argon2id cost: RFC 9106's unless PASSWORD_HASH_PROFILE names another of argon2-cffi's profiles."""

import os
import subprocess
import sys

import pytest

from backend.identity.passwords import _hasher_for, hash_password, verify_password
from tests.core.live_server import PROJECT_ROOT

PRINT_A_HASH = "from backend.identity.passwords import hash_password; print(hash_password('x'))"


def test_a_server_without_the_setting_hashes_at_rfc_9106_cost():
    env = {k: v for k, v in os.environ.items() if k != "PASSWORD_HASH_PROFILE"}
    printed = subprocess.run(
        [sys.executable, "-c", PRINT_A_HASH], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
        check=True, timeout=60,
    ).stdout
    assert printed.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), printed


def test_a_hash_made_at_another_cost_still_verifies():
    rfc = _hasher_for("RFC_9106_LOW_MEMORY").hash("Correct-horse-9")
    assert verify_password(rfc, "Correct-horse-9")
    assert not verify_password(rfc, "Correct-horse-8")
    assert verify_password(hash_password("Correct-horse-9"), "Correct-horse-9")


@pytest.mark.parametrize("name", ["rfc_9106_low_memory", "NO_SUCH_PROFILE", "__class__", ""])
def test_an_unknown_profile_is_refused_at_start(name):
    with pytest.raises(ValueError, match="PASSWORD_HASH_PROFILE"):
        _hasher_for(name)
