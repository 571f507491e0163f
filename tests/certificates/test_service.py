"""Issuing (number, seal, freeze), replacing and withdrawing certificates; race-free numbering."""

import dataclasses
import threading
from datetime import date

import pytest

from backend.audit.models import AuditEvent
from backend.certificates.models import Certificate, CertificateCounter
from backend.certificates.sealing import Seal, verify_content
from backend.certificates.service import issue_certificate, replace_certificate, withdraw_certificate
from backend.core.auth import Actor
from backend.core.enums import Assurance, Role
from backend.errors import DomainError
from backend.extensions import db
from tests.certificates_shared.samples import sample_content


@pytest.fixture
def officer(factories):
    user = factories.user(Role.CERTIFICATE_OFFICER, district_code="5300")
    return Actor(user.id, user.username, Role.CERTIFICATE_OFFICER, Assurance.KEY, None, "5300", "s1")


def test_issue_numbers_per_type_district_and_year(officer):
    first = issue_certificate(actor=officer, content=sample_content("18"))
    second = issue_certificate(actor=officer, content=sample_content("18"))
    quality = issue_certificate(actor=officer, content=sample_content("11"))
    next_year = issue_certificate(actor=officer, content=sample_content("18", issue_date=date(2027, 1, 2)))
    assert [c.certificate_no for c in (first, second, quality, next_year)] == [
        "530026180000001", "530026180000002", "530026110000001", "530027180000001",
    ]
    guangzhou = issue_certificate(actor=None, content=sample_content("18", district_code="5100"))
    assert guangzhou.certificate_no == "510026180000001"
    assert guangzhou.key_id.startswith("5100-") and first.key_id.startswith("5300-")


def test_issued_certificate_is_frozen_sealed_and_audited(officer):
    certificate = issue_certificate(actor=officer, content=sample_content("18"), enterprise_id=None)
    stored = db.session.get(Certificate, certificate.id)
    assert stored.status == "issued" and stored.version == 1
    assert stored.content["certificate_no"] == stored.certificate_no
    assert stored.content["goods"][0]["net_weight"] == "8000.50"
    from backend.certificates.models import SigningKey

    key = db.session.execute(db.select(SigningKey).where(SigningKey.key_id == stored.key_id)).scalar_one()
    assert verify_content(stored.content, Seal.from_dict(stored.seal), public_key=key.public_key)
    events = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.entity_id == stored.certificate_no)
    ).scalars().all()
    assert [(e.action, e.actor_username) for e in events] == [("certificate.issued", officer.username)]


def test_invalid_content_is_refused_with_field_errors(officer):
    content = sample_content("18", fields={"place_of_origin": "广东"}, goods=())
    with pytest.raises(DomainError) as refused:
        issue_certificate(actor=officer, content=content)
    assert refused.value.error == "certificate.invalid_content" and refused.value.status == 422
    assert set(refused.value.errors) == {"fields.botanical_name", "goods"}
    assert db.session.execute(db.select(CertificateCounter)).first() is None


def test_officer_of_another_district_cannot_issue(officer):
    with pytest.raises(DomainError) as refused:
        issue_certificate(actor=officer, content=sample_content("18", district_code="5100"))
    assert refused.value.error == "resource.not_found"


def test_replace_and_withdraw_leave_the_old_certificate_visibly_superseded(officer):
    original = issue_certificate(actor=officer, content=sample_content("18"))
    amended = dataclasses.replace(sample_content("18"), remarks="改证 amended: port of destination")
    replacement = replace_certificate(
        actor=officer, certificate_no=original.certificate_no, content=amended, reason="更正到达口岸"
    )
    db.session.refresh(original)
    assert original.status == "replaced" and original.superseded_by_id == replacement.id
    assert original.status_reason == "更正到达口岸" and original.version == 2
    with pytest.raises(DomainError) as refused:
        withdraw_certificate(actor=officer, certificate_no=original.certificate_no, reason="x")
    assert refused.value.error == "certificate.invalid_transition" and refused.value.status == 409
    withdrawn = withdraw_certificate(
        actor=officer, certificate_no=replacement.certificate_no, reason="合同取消"
    )
    assert withdrawn.status == "withdrawn"
    query = db.select(AuditEvent.action, AuditEvent.entity_id).where(AuditEvent.entity_type == "certificate")
    trail = db.session.execute(query.order_by(AuditEvent.id)).all()
    assert [tuple(row) for row in trail] == [
        ("certificate.issued", original.certificate_no),
        ("certificate.replaced", original.certificate_no),
        ("certificate.issued", replacement.certificate_no),
        ("certificate.withdrawn", replacement.certificate_no),
    ]


def test_concurrent_issuing_never_shares_or_skips_a_number(app):
    threads, per_thread = 6, 4
    numbers: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def worker():
        try:
            with app.app_context():
                start.wait()
                for _ in range(per_thread):
                    number = issue_certificate(actor=None, content=sample_content("19")).certificate_no
                    with lock:
                        numbers.append(number)
                db.session.remove()
        except BaseException as exc:  # reported below, in the test thread
            failures.append(exc)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert not failures, failures
    expected = [f"53002619{serial:07d}" for serial in range(1, threads * per_thread + 1)]
    assert sorted(numbers) == expected
    keys = {c.key_id for c in db.session.execute(db.select(Certificate)).scalars()}
    assert len(keys) == 1, "racing first issues created one signing key, not several"


def test_a_replacement_keeps_type_and_district(officer):
    original = issue_certificate(actor=officer, content=sample_content("18"))
    with pytest.raises(DomainError) as refused:
        replace_certificate(actor=officer, certificate_no=original.certificate_no,
                            content=sample_content("11"), reason="换种类")
    assert refused.value.error == "certificate.invalid_content" and "type_code" in refused.value.errors
    assert original.status == "issued" and original.status_reason is None  # untouched, even in-session
