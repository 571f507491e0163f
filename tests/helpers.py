"""Factories and login helpers available to every test (a pytest plugin)."""

from __future__ import annotations

import itertools

import pytest

from backend.core.enums import Assurance, Role
from backend.extensions import db
from backend.identity.models import Enterprise, Qualification, User
from backend.identity.passwords import hash_password
from backend.identity.tokens import issue_token_pair

_seq = itertools.count(1)
PASSWORD = "Correct-Horse-9"
_PASSWORD_HASH = None


def _password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def make_enterprise(*, district_code: str = "5300", credit_grade: str = "general", **fields) -> Enterprise:
    n = next(_seq)
    ent = Enterprise(
        customs_code=fields.pop("customs_code", f"44039{n:05d}"),
        name_zh=fields.pop("name_zh", f"测试企业{n}有限公司"),
        name_en=fields.pop("name_en", f"Test Enterprise {n} Co., Ltd."),
        credit_grade=credit_grade,
        district_code=district_code,
        **fields,
    )
    db.session.add(ent)
    db.session.commit()
    return ent


def make_qualification(enterprise: Enterprise, type_code: str, number: str | None = None, **fields):
    q = Qualification(
        enterprise_id=enterprise.id, type_code=type_code, number=number or f"Q{next(_seq):08d}", **fields
    )
    db.session.add(q)
    db.session.commit()
    return q


def make_user(
    role: Role | str = Role.ENTERPRISE,
    *,
    enterprise: Enterprise | None = None,
    district_code: str | None = "5300",
    username: str | None = None,
    with_password: bool = True,
) -> User:
    role = Role(role)
    if role == Role.ENTERPRISE and enterprise is None:
        enterprise = make_enterprise()
    user = User(
        username=username or f"{role.value}-{next(_seq)}",
        display_name=f"测试 {role.value}",
        role=role.value,
        enterprise_id=enterprise.id if enterprise else None,
        district_code=None if role == Role.ENTERPRISE else district_code,
        password_hash=_password_hash() if with_password else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def auth_headers(user: User, assurance: Assurance | str = Assurance.PASSWORD, **extra) -> dict:
    """Bearer headers for `user` at `assurance`, issued directly (no Argon2 per test)."""
    body = issue_token_pair(user, Assurance(assurance))
    db.session.commit()
    return {"Authorization": f"Bearer {body['access_token']}", **extra}


@pytest.fixture
def factories():
    """make_enterprise / make_user / make_qualification / auth_headers in one object."""

    class F:
        enterprise = staticmethod(make_enterprise)
        qualification = staticmethod(make_qualification)
        user = staticmethod(make_user)
        headers = staticmethod(auth_headers)
        password = PASSWORD

    return F
