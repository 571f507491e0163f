"""E-records: issuing with the catalog's validity, and the numbering and receipts that go with it."""

from datetime import timedelta

import pytest

from backend.audit.models import AuditEvent
from backend.core.models import utcnow
from backend.declarations.catalog_validity import category_of, validity_for_goods
from backend.declarations.e_records import expire_due_e_records, issue_e_record
from backend.declarations.models import DeclarationGoods, ERecord
from backend.errors import DomainError
from backend.extensions import db


@pytest.mark.parametrize(
    ("codes", "category", "days"),
    [
        (["8471300000"], "general", 60),  # laptops
        (["4419121000"], "plant", 21),  # bamboo chopsticks
        (["0805100000"], "fresh_live", 14),  # fresh oranges
        (["0301119000"], "fresh_live", 14),  # live ornamental fish
        (["0712200000"], "plant", 21),  # dried onions: chapter 07 but not fresh
        (["8471300000", "4419121000", "0805100000"], "fresh_live", 14),  # the shortest wins
        (["8471300000", "4419121000"], "plant", 21),
    ],
)
def test_issue_from_review_gives_the_catalog_validity(factories, codes, category, days):
    ent = factories.enterprise()
    goods = [factories.goods_line(code, line_no=n) for n, code in enumerate(codes, start=1)]
    declaration = factories.declaration(ent, status="under_review", goods=goods)
    before = utcnow()
    record = issue_e_record(declaration=declaration, actor=None)
    db.session.commit()
    assert record.e_record_no == declaration.inspection_no + "001"
    assert (record.status, record.goods_category) == ("normal", category)
    assert before + timedelta(days=days) <= record.valid_until <= utcnow() + timedelta(days=days)
    assert declaration.status == "e_record_issued"
    receipt = declaration.receipts[-1]
    assert receipt.code == "E_RECORD_ISSUED" and record.e_record_no in receipt.text_zh
    actions = set(db.session.execute(db.select(AuditEvent.action)).scalars())
    assert {"declaration.approve", "e_record.issued"} <= actions


def test_issue_after_a_passed_inspection_applies_issue_e_record(factories):
    declaration = factories.declaration(factories.enterprise(), status="passed")
    record = issue_e_record(declaration=declaration, actor=None)
    db.session.commit()
    assert declaration.status == "e_record_issued" and record.status == "normal"
    actions = set(db.session.execute(db.select(AuditEvent.action)).scalars())
    assert "declaration.issue_e_record" in actions and "declaration.approve" not in actions


# (From inspection_notice the e-record is issued when an officer cancels the instruction and releases
# the goods: tests/instructions/test_desk.py.)
@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "failed", "rejected"])
def test_no_e_record_in_other_states(factories, status):
    declaration = factories.declaration(factories.enterprise(), status=status)
    with pytest.raises(DomainError) as caught:
        issue_e_record(declaration=declaration, actor=None)
    assert caught.value.error == "e_record.not_issuable" and caught.value.status == 409
    db.session.rollback()
    assert db.session.execute(db.select(ERecord)).first() is None


def test_issue_twice_is_refused(factories):
    record = factories.e_record(factories.enterprise())
    with pytest.raises(DomainError) as caught:
        issue_e_record(declaration=record.declaration, actor=None)
    assert caught.value.error == "e_record.not_issuable"


def test_ciq_code_can_be_more_specific_than_hs(factories):
    assert category_of("0805") == "fresh_live"
    assert category_of("99") == "general" and category_of(None) == "general"
    line = DeclarationGoods(hs_code="8471300000", ciq_code="0805100000999")
    assert validity_for_goods([line]) == ("fresh_live", 14)
    assert validity_for_goods([]) == ("general", 60)


def test_expiry_marks_only_past_normal_records_once(factories):
    ent = factories.enterprise()
    old, fresh, used = (factories.e_record(ent) for _ in range(3))
    old.valid_until = used.valid_until = utcnow() - timedelta(minutes=1)
    used.status = "used"
    db.session.commit()
    assert expire_due_e_records() == 1
    assert expire_due_e_records() == 0
    db.session.expire_all()
    assert (old.status, fresh.status, used.status) == ("expired", "normal", "used")
    assert old.declaration.receipts[-1].code == "E_RECORD_EXPIRED"
    assert old.declaration.status == "e_record_issued"
