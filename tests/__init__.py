"""The test suite. Passwords are hashed at argon2-cffi's CHEAPEST cost, its profile for tests (set here,
before `backend` is imported, so the servers the tests start inherit it); production keeps RFC 9106's
(backend/config.py PASSWORD_HASH_PROFILE, checked by tests/identity/test_password_hashing.py)."""

import os

os.environ.setdefault("PASSWORD_HASH_PROFILE", "CHEAPEST")
