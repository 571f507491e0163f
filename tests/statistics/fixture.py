"""A small week of work in 深圳海关 (5300)'s subordinates 皇岗 (5301) and 文锦渡 (5320), plus noise.

Times are China Standard Time (UTC+8). The period under test is Monday 2026-03-02 to Sunday 03-08.

Case, district, channel, HS chapter, destination — what happened (CST):
- D1 5301 web 44 JPN — 03-02 sub 09:00, acc 10:00, notice 12:00, instr 13:00 (deadline 03-03 13:00);
  on site 03-03 09:00, pass/release 11:00, e-record 12:00; cert 18 referred 03-04 09:00, issued by an
  officer 12:00; e-record voided 03-07.
- D2 5301 single_window 03 USA — 03-02 sub 07:30 (= 03-01 23:30 UTC), acc 09:30, returned 17:30;
  withdrawn 03-04 10:00.
- D3 5320 web 44 USA — 03-03 sub 08:00, acc 08:30, notice 10:00, instr 10:30 (deadline 03-04 10:30);
  on site 03-05 09:00, fail/return 15:00.
- D4 5320 web 44 JPN — 03-04 sub 08:00, acc 09:00, approved (e-record) 11:00; cert 11 issued
  automatically 03-05 10:00; e-record used 03-06 10:00.
- D5 5320 web 44 JPN — 03-05 sub 09:00, acc 10:00, rejected 14:00.
- D6 2200 — 03-02 sub, acc (another 直属海关: never counted for 5300).
- D7 5301 — 03-10 sub (after the period).
- D8 5301 — accepted and e-record issued 02-01; e-record expired 03-06 08:00.

Blank paper: 5301's enterprise received 5 sheets of type 18: one printed for D1's certificate, one
marked printed with no print record (an anomaly), one spoiled, two left. 5320's request is open.

Risk rules: R1 (5301) hit D1 (selected → passed) and D2 (not selected); R2 (5320) hit D3
(selected → failed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from backend.blank_stock.models import BlankSheet, BlankStock, CertificatePrint
from backend.certificate_applications.models import ApplicationReceipt, CertificateApplication
from backend.certificates.models import Certificate, SigningKey
from backend.core.receipts import SYSTEM_LABEL
from backend.declarations.models import DeclarationCertificate, ERecord, Receipt
from backend.extensions import db
from backend.inspections.models import Inspection
from backend.instructions.models import Instruction
from backend.review.models import RuleHit
from tests.helpers import goods_line, make_declaration, make_enterprise, make_risk_rule, make_user

CST = timezone(timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CST)


@dataclass
class World:
    cases: dict
    supervisor_5300: object
    supervisor_5301: object
    supervisor_2200: object
    inspector_5301: object
    inspector_5320: object


def _case(
    enterprise, district, *, hs="4419121000", dest="JPN", source="web", accepted=None, status="accepted"
):
    declaration = make_declaration(
        enterprise,
        status=status,
        district_code=district,
        source=source,
        goods=[goods_line(hs)],
        accepted_at=accepted,
    )
    declaration.destination_country = dest
    return declaration


def _receipts(declaration, *entries):
    for code, when in entries:
        db.session.add(
            Receipt(
                declaration_id=declaration.id,
                code=code,
                status="x",
                text_zh=code,
                text_en=code,
                actor_label=SYSTEM_LABEL,
                created_at=when,
            )
        )


def _instruction(declaration, inspector, created, deadline):
    instruction = Instruction(
        declaration_id=declaration.id,
        enterprise_id=declaration.enterprise_id,
        district_code=declaration.district_code,
        status="completed",
        source="risk_rule",
        deadline=deadline,
        inspector_id=inspector.id,
        created_at=created,
        updated_at=created,
    )
    db.session.add(instruction)
    db.session.flush()
    return instruction


def _inspection(instruction, conclusion, disposition, completed):
    db.session.add(
        Inspection(
            instruction_id=instruction.id,
            declaration_id=instruction.declaration_id,
            enterprise_id=instruction.enterprise_id,
            district_code=instruction.district_code,
            inspector_id=instruction.inspector_id,
            conclusion=conclusion,
            disposition=disposition,
            completed_at=completed,
        )
    )


def _e_record(declaration, issued, status="normal"):
    e_record = ERecord(
        declaration_id=declaration.id,
        district_code=declaration.district_code,
        e_record_no=f"{declaration.inspection_no}001",
        status=status,
        goods_category="general",
        issued_at=issued,
        valid_until=issued + timedelta(days=60),
    )
    db.session.add(e_record)
    db.session.flush()
    return e_record


def _signing_key(district):
    key = SigningKey(
        key_id=f"test-{district}",
        district_code=district,
        public_key=b"\x00" * 32,
        private_key_encrypted=b"\x00" * 32,
    )
    db.session.add(key)
    db.session.flush()
    return key


def _certificate(e_record, declaration, type_code, issued, key, serial):
    certificate = Certificate(
        certificate_no=f"{type_code}{declaration.district_code}2026{serial:06d}",
        type_code=type_code,
        district_code=declaration.district_code,
        year=2026,
        serial=serial,
        enterprise_id=declaration.enterprise_id,
        e_record_id=e_record.id,
        content={},
        content_sha256="x" * 43,
        seal={},
        key_id=key.key_id,
        issued_at=issued,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def _application(declaration, e_record, type_code, user, submitted, rule_results, receipts):
    application = CertificateApplication(
        enterprise_id=declaration.enterprise_id,
        district_code=declaration.district_code,
        declaration_id=declaration.id,
        e_record_id=e_record.id,
        type_code=type_code,
        status="issued",
        form={},
        created_by_id=user.id,
        rule_results=rule_results,
        submitted_at=submitted,
    )
    db.session.add(application)
    db.session.flush()
    for code, label, when in receipts:
        db.session.add(
            ApplicationReceipt(
                application_id=application.id,
                code=code,
                status="x",
                text_zh=code,
                text_en=code,
                actor_label=label,
                created_at=when,
            )
        )


def _hit(rule, declaration, when, selected, instruction=None):
    db.session.add(
        RuleHit(
            declaration_id=declaration.id,
            declaration_version=1,
            rule_id=rule.id,
            rule_version=rule.version,
            evaluated_at=when,
            reasons=[],
            draw_input=f"{declaration.id}",
            draw_hex="0" * 16,
            draw=Decimal("0.5"),
            sampling_rate=rule.sampling_rate,
            selected=selected,
            inspection_items=[],
            instruction_id=instruction.id if instruction else None,
        )
    )


def build_world() -> World:
    """The fixture of the module docstring; returns the cases and the callers."""
    e5301, e5320, e2200 = (make_enterprise(district_code=code) for code in ("5301", "5320", "2200"))
    inspector_5301 = make_user("inspector", district_code="5301", username="insp-5301")
    inspector_5320 = make_user("inspector", district_code="5320", username="insp-5320")
    applicant_5301 = make_user("enterprise", enterprise=e5301)
    applicant_5320 = make_user("enterprise", enterprise=e5320)

    d1 = _case(e5301, "5301", accepted=at(2, 10))
    d2 = _case(e5301, "5301", hs="0306170000", dest="USA", source="single_window", accepted=at(2, 9, 30))
    d3 = _case(e5320, "5320", dest="USA", accepted=at(3, 8, 30))
    d4 = _case(e5320, "5320", accepted=at(4, 9))
    d5 = _case(e5320, "5320", accepted=at(5, 10))
    d6 = _case(e2200, "2200", accepted=at(2, 10))
    d7 = _case(e5301, "5301", status="submitted")
    d8 = _case(e5301, "5301", accepted=at(1, 10, month=2))
    db.session.add(DeclarationCertificate(declaration_id=d4.id, cert_code="11", originals=1, copies=0))

    _receipts(
        d1,
        ("SUBMITTED", at(2, 9)),
        ("ACCEPTED", at(2, 10)),
        ("INSPECTION_NOTICE", at(2, 12)),
        ("INSPECTING", at(3, 9)),
        ("INSPECTION_PASSED", at(3, 11)),
        ("E_RECORD_ISSUED", at(3, 12)),
        ("E_RECORD_VOIDED", at(7, 16)),
    )
    _receipts(
        d2,
        ("SUBMITTED", at(2, 7, 30)),
        ("ACCEPTED", at(2, 9, 30)),
        ("RETURNED", at(2, 17, 30)),
        ("WITHDRAWN", at(4, 10)),
    )
    _receipts(
        d3,
        ("SUBMITTED", at(3, 8)),
        ("ACCEPTED", at(3, 8, 30)),
        ("INSPECTION_NOTICE", at(3, 10)),
        ("INSPECTING", at(5, 9)),
        ("INSPECTION_FAILED", at(5, 15)),
    )
    _receipts(
        d4,
        ("SUBMITTED", at(4, 8)),
        ("ACCEPTED", at(4, 9)),
        ("E_RECORD_ISSUED", at(4, 11)),
        ("E_RECORD_USED", at(6, 10)),
    )
    _receipts(d5, ("SUBMITTED", at(5, 9)), ("ACCEPTED", at(5, 10)), ("REJECTED", at(5, 14)))
    _receipts(d6, ("SUBMITTED", at(2, 9)), ("ACCEPTED", at(2, 10)))
    _receipts(d7, ("SUBMITTED", at(10, 9)))
    _receipts(
        d8,
        ("SUBMITTED", at(1, 9, month=2)),
        ("ACCEPTED", at(1, 10, month=2)),
        ("E_RECORD_ISSUED", at(1, 12, month=2)),
        ("E_RECORD_EXPIRED", at(6, 8)),
    )

    i1 = _instruction(d1, inspector_5301, at(2, 13), deadline=at(3, 13))
    i3 = _instruction(d3, inspector_5320, at(3, 10, 30), deadline=at(4, 10, 30))
    _inspection(i1, "pass", "release", at(3, 11))
    _inspection(i3, "fail", "return", at(5, 15))

    r1, r2 = _e_record(d1, at(3, 12), status="voided"), _e_record(d4, at(4, 11), status="used")
    _e_record(d8, at(1, 12, month=2), status="expired")
    key_5301, key_5320 = _signing_key("5301"), _signing_key("5320")
    cert_d1 = _certificate(r1, d1, "18", at(4, 12), key_5301, 1)
    _certificate(r2, d4, "11", at(5, 10), key_5320, 1)
    _application(
        d1,
        r1,
        "18",
        applicant_5301,
        at(4, 9),
        [{"rule": "key_login", "passed": False}, {"rule": "e_record_normal", "passed": True}],
        [
            ("CERT_OFFICER_REVIEW", SYSTEM_LABEL, at(4, 9)),
            ("CERT_ISSUED", "海关 customs (officer)", at(4, 12)),
        ],
    )
    _application(
        d4,
        r2,
        "11",
        applicant_5320,
        at(5, 10),
        [{"rule": "key_login", "passed": True}, {"rule": "e_record_normal", "passed": True}],
        [("CERT_ISSUED", SYSTEM_LABEL, at(5, 10))],
    )

    stock = BlankStock(
        enterprise_id=e5301.id,
        district_code="5301",
        type_code="18",
        quantity=5,
        status="received",
        serial_first=1001,
        serial_last=1005,
    )
    db.session.add(stock)
    db.session.flush()
    sheets = [
        BlankSheet(stock_id=stock.id, type_code="18", serial=1001 + n, status=status)
        for n, status in enumerate(("printed", "printed", "spoiled", "available", "available"))
    ]
    db.session.add_all(sheets)
    db.session.flush()
    db.session.add(
        CertificatePrint(
            certificate_id=cert_d1.id,
            sheet_id=sheets[0].id,
            variant="original",
            channel="self_print",
            printed_by_id=applicant_5301.id,
        )
    )
    db.session.add(
        BlankStock(
            enterprise_id=e5320.id, district_code="5320", type_code="11", quantity=3, status="requested"
        )
    )

    rule1, rule2 = make_risk_rule(district_code="5301"), make_risk_rule(district_code="5320")
    _hit(rule1, d1, at(2, 12), True, i1)
    _hit(rule1, d2, at(2, 10), False)
    _hit(rule2, d3, at(3, 10), True, i3)
    db.session.commit()
    return World(
        cases={"D1": d1, "D2": d2, "D3": d3, "D4": d4, "D5": d5, "D6": d6, "D7": d7, "D8": d8},
        supervisor_5300=make_user("supervisor", district_code="5300"),
        supervisor_5301=make_user("supervisor", district_code="5301"),
        supervisor_2200=make_user("supervisor", district_code="2200"),
        inspector_5301=inspector_5301,
        inspector_5320=inspector_5320,
    )
