"""Factories and login helpers available to every test (a pytest plugin)."""

from __future__ import annotations

import itertools
import threading

import pytest

from backend.core.enums import Assurance, Role
from backend.errors import DomainError
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
        declaration = staticmethod(make_declaration)
        instruction = staticmethod(make_instruction)
        actor = staticmethod(actor_of)
        op = staticmethod(make_op)
        push = staticmethod(push_ops)
        photo = staticmethod(make_photo)
        goods_line = staticmethod(goods_line)
        e_record = staticmethod(make_issued_e_record)
        risk_rule = staticmethod(make_risk_rule)
        stored_e_record = staticmethod(make_stored_e_record)
        password = PASSWORD

    return F


def make_declaration(enterprise: Enterprise, *, status: str = "draft", district_code: str = "5300", **fields):
    """A realistic export application (bamboo chopsticks to Japan) in `status`, stored directly.

    For tests of later stages; it does not go through the workflow, so it writes no receipts. An
    inspection_no is set for any status past submission unless given.
    """
    from decimal import Decimal

    from backend.declarations.models import Declaration, DeclarationCertificate, DeclarationGoods

    n = next(_seq)
    goods = fields.pop("goods", None)
    declaration = Declaration(
        enterprise_id=enterprise.id,
        district_code=district_code,
        status=status,
        applicant_code=enterprise.customs_code,
        applicant_name=enterprise.name_zh,
        consignor_code=enterprise.customs_code,
        consignor_name_zh=enterprise.name_zh,
        consignor_name_en=enterprise.name_en,
        consignee_name_en="Tokyo Kitchenware K.K.",
        consignee_address="1-2-3 Shibaura, Minato-ku, Tokyo",
        trade_mode="0110",
        trade_country="JPN",
        destination_country="JPN",
        departure_port=fields.pop("departure_port", "CNSZX"),
        arrival_port="JPTYO",
        transport_mode="2",
        contract_no=f"ZY-2026-{n:04d}",
        total_packages=200,
        package_kind="CTN",
        total_net_weight=Decimal("2000.000"),
        storage_place="深圳市龙岗区坂田街道雪岗路 88 号 1 号仓",
        inspection_no=fields.pop("inspection_no", None)
        or (None if status == "draft" else f"226N{district_code}{n:07d}"),
        **fields,
    )
    for line in goods or [
        {
            "line_no": 1, "hs_code": "4419121000", "ciq_code": "4419121000999", "name_zh": "竹筷",
            "name_en": "Bamboo chopsticks", "quantity": Decimal("100000"), "quantity_unit": "035",
            "net_weight": Decimal("2000.000"), "value": Decimal("12000.00"), "currency": "USD",
            "packing_kind": "CTN", "packing_count": 200, "producer_name": enterprise.name_zh,
            "producer_registration_no": "4403BWG0001",
        }
    ]:
        declaration.goods.append(DeclarationGoods(**line))
    declaration.certificates.append(DeclarationCertificate(cert_code="18", originals=1, copies=1))
    db.session.add(declaration)
    db.session.commit()
    return declaration


def make_instruction(
    declaration, *, inspector=None, item_codes=("verify_goods", "packaging", "sampling"), supervisor=None
):
    """An instruction for `declaration` (in inspection_notice), assigned to `inspector` if given (v2)."""
    from backend.core.auth import Actor
    from backend.core.enums import Assurance
    from backend.instructions.service import create_instruction_for_declaration
    from backend.instructions.workflow import Event, apply

    actor = None
    if supervisor is not None:
        actor = Actor(
            user_id=supervisor.id,
            username=supervisor.username,
            role=Role(supervisor.role),
            assurance=Assurance.PASSWORD,
            enterprise_id=None,
            district_code=supervisor.district_code,
            session_id="factory",
        )
    instruction = create_instruction_for_declaration(
        declaration=declaration, item_codes=list(item_codes), source="manual", reason=None, actor=actor
    )
    if inspector is not None:
        apply(instruction, Event.ASSIGN, actor=actor, inspector_id=inspector.id)
    db.session.commit()
    return instruction


def actor_of(user: User, assurance: Assurance | str = Assurance.PASSWORD):
    """The Actor a service function receives for `user`."""
    from backend.core.auth import Actor

    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        assurance=Assurance(assurance),
        enterprise_id=user.enterprise_id,
        district_code=user.district_code,
        session_id="test",
        enterprise_district_code=user.enterprise.district_code if user.enterprise is not None else None,
    )


def make_op(op_type: str, instruction_id: int, *, base_version=None, body=None, op_id=None, **target) -> dict:
    """One push operation (docs/sync.md) with a fresh UUID unless `op_id` is given."""
    import uuid

    return {
        "op_id": op_id or str(uuid.uuid4()),
        "type": op_type,
        "target": {"instruction_id": instruction_id, **target},
        "base_version": base_version,
        "recorded_at": "2026-11-27T10:00:00+08:00",
        "location": {"lat": 22.6573, "lon": 114.0608, "accuracy_m": 10.0},
        "body": body if body is not None else {},
    }


def push_ops(client, headers, operations, device_id="phone-a-0001"):
    """POST a batch to /api/v1/sync/push and return the per-operation results."""
    response = client.post("/api/v1/sync/push", json={"device_id": device_id, "operations": operations},
                           headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def goods_line(hs_code: str, line_no: int = 1, **fields) -> dict:
    """A goods line for make_declaration(goods=[...]) with the given HS code (CIQ code = HS + 999)."""
    from decimal import Decimal

    return {
        "line_no": line_no, "hs_code": hs_code, "ciq_code": f"{hs_code}999", "name_zh": f"货物{hs_code}",
        "name_en": f"Goods {hs_code}", "quantity": Decimal("100"), "quantity_unit": "035",
        "net_weight": Decimal("1000.000"), "value": Decimal("5000.00"), "currency": "USD",
        "packing_kind": "CTN", "packing_count": 100, **fields,
    }


def make_issued_e_record(enterprise: Enterprise, **declaration_fields):
    """An accepted application approved straight away: returns its `normal` e-record (committed)."""
    from backend.declarations.e_records import issue_e_record

    declaration = make_declaration(enterprise, status="accepted", **declaration_fields)
    record = issue_e_record(declaration=declaration, actor=None)
    db.session.commit()
    return record


def make_risk_rule(*, district_code: str = "5300", **fields):
    """An active risk rule (布控规则) of `district_code`; by default it selects everything (rate 1)."""
    from decimal import Decimal

    from backend.review.models import RiskRule

    rule = RiskRule(
        district_code=district_code,
        name_zh=fields.pop("name_zh", f"测试布控规则{next(_seq)}"),
        hs_prefixes=fields.pop("hs_prefixes", []),
        destination_countries=fields.pop("destination_countries", []),
        credit_grades=fields.pop("credit_grades", []),
        goods_categories=fields.pop("goods_categories", []),
        inspection_items=fields.pop("inspection_items", ["verify_goods"]),
        sampling_rate=Decimal(str(fields.pop("sampling_rate", "1"))),
        priority=fields.pop("priority", 3),
        active=fields.pop("active", True),
        **fields,
    )
    db.session.add(rule)
    db.session.commit()
    return rule


def make_photo(user: User, data: bytes = b"\xff\xd8\xff\xe0 evidence photo \xff\xd9", **fields):
    """A stored photo of `user` (original in storage, metadata row) as if uploaded through the media API."""
    import hashlib

    from backend.media.models import Photo
    from backend.media.storage import derivative_key, get_storage, original_key

    sha256 = hashlib.sha256(data).hexdigest()
    get_storage().put(original_key(sha256), data)
    photo = Photo(
        uploaded_by_id=user.id, district_code=user.district_code, client_id=f"client-{next(_seq)}",
        filename="IMG_0001.jpg", sha256=sha256, size=len(data), content_type="image/jpeg", width=4000,
        height=3000, original_key=original_key(sha256), display_key=derivative_key("display", sha256),
        display_sha256=sha256, display_width=1600, display_height=1200,
        thumbnail_key=derivative_key("thumbnail", sha256), thumbnail_sha256=sha256, device_id="phone-a-0001",
        client_gps={"lat": 22.6573, "lon": 114.0608}, **fields,
    )
    db.session.add(photo)
    db.session.commit()
    return photo


def make_stored_e_record(
    declaration, *, status: str = "normal", valid_days: int = 60, goods_category: str = "general"
):
    """An e-record (电子底账) for `declaration`, stored directly: inspection_no + "001"."""
    from datetime import timedelta

    from backend.core.models import utcnow
    from backend.declarations.models import ERecord

    record = ERecord(
        declaration_id=declaration.id, district_code=declaration.district_code,
        e_record_no=f"{declaration.inspection_no}001", status=status,
        goods_category=goods_category, issued_at=utcnow(), valid_until=utcnow() + timedelta(days=valid_days),
    )
    db.session.add(record)
    db.session.commit()
    return record


@pytest.fixture
def emitted(monkeypatch):
    """Socket.IO messages sent (after commit), as (room, event, data)."""
    from backend.extensions import socketio

    sent = []
    monkeypatch.setattr(socketio, "emit", lambda event, data, to=None, **_: sent.append((to, event, data)))
    return sent


@pytest.fixture
def world(factories):
    """A district with a supervisor, two inspectors, an enterprise and a declaration in inspection_notice."""
    from types import SimpleNamespace

    supervisor = factories.user(Role.SUPERVISOR)
    inspector = factories.user(Role.INSPECTOR)
    other_inspector = factories.user(Role.INSPECTOR)
    enterprise = factories.enterprise()
    declaration = factories.declaration(enterprise, status="inspection_notice")
    return SimpleNamespace(
        supervisor=supervisor,
        inspector=inspector,
        other_inspector=other_inspector,
        enterprise=enterprise,
        declaration=declaration,
        h_supervisor=factories.headers(supervisor),
        h_inspector=factories.headers(inspector),
        h_other=factories.headers(other_inspector),
    )


def race(app, jobs, timeout: float = 180) -> list:
    """Run each job in its own thread and app context, all released at once; returns what each
    returned, the error code of a DomainError, or any other exception (for the test to report)."""
    results, start = [], threading.Barrier(len(jobs))

    def run(job):
        with app.app_context():
            start.wait()
            try:
                results.append(job())
            except DomainError as exc:
                results.append(exc.error)
            except BaseException as exc:  # reported in the test thread
                results.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
