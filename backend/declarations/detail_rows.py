"""One application as plain rows for the read views (GET by id, lookup by number): no ORM objects.

The detail is read on every lookup (the most frequent read of the system): building ORM objects, their
identity map and relationship collections cost far more than the queries. Here three Core selects
(the declaration with its current e-record; its goods lines; its containers, qualifications and
certificates in one UNION ALL) give mappings the DeclarationSchema dumps as it dumps the objects.
"""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa

from backend.core.auth import Actor
from backend.core.permissions import ensure_can_read
from backend.declarations.models import (
    Declaration,
    DeclarationCertificate,
    DeclarationContainer,
    DeclarationGoods,
    DeclarationQualification,
    ERecord,
)
from backend.errors import DomainError
from backend.extensions import db

_E_RECORD = (ERecord.e_record_no, ERecord.status, ERecord.issued_at, ERecord.valid_until)
_GOODS = [c for c in DeclarationGoods.__table__.columns if c.name not in ("id", "declaration_id")]


def _parts_statement() -> sa.CompoundSelect:
    """Containers, qualifications and certificates in one statement: (part, key, text1..3, int1..2, json)."""
    declaration_id = sa.bindparam("declaration_id")
    text, number = sa.String, sa.Integer
    null = sa.null
    containers = sa.select(
        sa.literal("c").label("part"),
        DeclarationContainer.id.label("key"),
        DeclarationContainer.size_type.label("t1"),
        sa.cast(null(), text).label("t2"),
        sa.cast(null(), text).label("t3"),
        DeclarationContainer.count.label("n1"),
        sa.cast(null(), number).label("n2"),
        DeclarationContainer.numbers.label("j"),
    ).where(DeclarationContainer.declaration_id == declaration_id)
    qualifications = sa.select(
        sa.literal("q"),
        DeclarationQualification.id,
        DeclarationQualification.type_code,
        DeclarationQualification.number,
        DeclarationQualification.holder_name,
        sa.cast(null(), number),
        sa.cast(null(), number),
        sa.cast(null(), DeclarationContainer.numbers.type),
    ).where(DeclarationQualification.declaration_id == declaration_id)
    certificates = sa.select(
        sa.literal("k"),
        DeclarationCertificate.id,
        DeclarationCertificate.cert_code,
        sa.cast(null(), text),
        sa.cast(null(), text),
        DeclarationCertificate.originals,
        DeclarationCertificate.copies,
        sa.cast(null(), DeclarationContainer.numbers.type),
    ).where(DeclarationCertificate.declaration_id == declaration_id)
    return sa.union_all(containers, qualifications, certificates)


def _head_statement(by: str) -> sa.Select:
    """The declaration with its current (latest) e-record, selected by id, inspection_no or e_record_no."""
    issued = ERecord.__table__.alias("issued")
    latest = (
        sa.select(sa.func.max(issued.c.id))
        .where(issued.c.declaration_id == Declaration.id)
        .correlate(Declaration)
        .scalar_subquery()
    )
    key = sa.bindparam("key")
    where = {
        "id": Declaration.id == key,
        "inspection_no": Declaration.inspection_no == key,
        "e_record_no": Declaration.id
        == sa.select(issued.c.declaration_id).where(issued.c.e_record_no == key).scalar_subquery(),
    }[by]
    return (
        sa.select(Declaration.__table__, *(c.label(f"e_record_{c.key}") for c in _E_RECORD))
        .outerjoin(ERecord, ERecord.id == latest)
        .where(where)
    )


# Built once: constructing and cache-keying the statements per request cost as much as running them.
_HEAD = {by: _head_statement(by) for by in ("id", "inspection_no", "e_record_no")}
_GOODS_OF = (
    sa.select(*_GOODS)
    .where(DeclarationGoods.declaration_id == sa.bindparam("declaration_id"))
    .order_by(DeclarationGoods.line_no)
)
_PARTS = _parts_statement()


def declaration_detail(actor: Actor, *, by: str, key) -> SimpleNamespace:
    """The application whose `by` (id, inspection_no, e_record_no) is `key`, as DeclarationSchema dumps
    it, if the actor may read it, else resource.not_found. Core statements on the session's connection
    (its transaction), no ORM layer."""
    connection = db.session.connection()
    head = connection.execute(_HEAD[by], {"key": key}).mappings().first()
    if head is None:
        raise DomainError("resource.not_found")
    ensure_can_read(
        actor,
        enterprise_id=head["enterprise_id"],
        principal_enterprise_id=head["principal_enterprise_id"],
        district_code=head["district_code"],
    )
    row = {k: v for k, v in head.items() if not k.startswith("e_record_")}
    row["e_record"] = (
        {c.key: head[f"e_record_{c.key}"] for c in _E_RECORD} if head["e_record_e_record_no"] else None
    )
    params = {"declaration_id": head["id"]}
    row["goods"] = [dict(g) for g in connection.execute(_GOODS_OF, params).mappings()]
    containers, qualifications, certificates = [], [], []
    for part in connection.execute(_PARTS, params):
        if part.part == "c":
            containers.append(
                (part.key, {"size_type": part.t1, "count": part.n1, "numbers": part.j or []})
            )
        elif part.part == "q":
            qualifications.append(
                (part.key, {"type_code": part.t1, "number": part.t2, "holder_name": part.t3})
            )
        else:
            certificates.append((part.t1, {"cert_code": part.t1, "originals": part.n1, "copies": part.n2}))
    row["containers"] = [c for _, c in sorted(containers, key=lambda p: p[0])]
    row["qualifications"] = [q for _, q in sorted(qualifications, key=lambda p: p[0])]
    row["certificates"] = [k for _, k in sorted(certificates, key=lambda p: p[0])]
    return SimpleNamespace(**row)
