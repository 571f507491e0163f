"""Request and response shapes of the declaration module.

A draft may be incomplete, so the body schema checks types and lengths only; whether the application
may be submitted is validation.py's job, which explains every finding at once.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.catalogs.national import CERTIFICATES, DISTRICTS, QUALIFICATION_TYPES
from backend.core.schemas import StrictSchema
from backend.declarations.catalogs import ATTACHMENT_KINDS
from backend.declarations.workflow import STATUS_LABELS, Status


def _text(size: int, **kwargs):
    return fields.String(allow_none=True, validate=validate.Length(max=size), **kwargs)


def _decimal(places: int, **kwargs):
    return fields.Decimal(places=places, as_string=True, allow_none=True, allow_nan=False, **kwargs)


def _count(maximum: int = 10_000_000, **kwargs):
    return fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, maximum), **kwargs)


class GoodsLineSchema(StrictSchema):
    hs_code = _text(10, metadata={"description": "10-digit HS code"})
    ciq_code = _text(20, metadata={"description": "13-digit CIQ code (HS + 3)"})
    name_zh = _text(200)
    name_en = _text(200)
    origin_place = _text(100)
    quantity = _decimal(3)
    quantity_unit = _text(10, metadata={"description": "customs unit code, e.g. 035 kg, 011 piece"})
    net_weight = _decimal(3, metadata={"description": "kilograms"})
    value = _decimal(2)
    currency = _text(3)
    packing_kind = _text(20)
    packing_count = _count()
    producer_name = _text(200)
    producer_registration_no = _text(60)
    purpose = _text(40)
    batch_no = _text(60)


class GoodsLineOutSchema(GoodsLineSchema):
    line_no = fields.Integer()


class ContainerSchema(StrictSchema):
    size_type = fields.String(required=True, validate=validate.Length(min=1, max=10))
    count = fields.Integer(required=True, strict=True, validate=validate.Range(1, 10_000))
    numbers = fields.List(fields.String(validate=validate.Length(min=1, max=11)), load_default=list)


class QualificationRefSchema(StrictSchema):
    type_code = fields.String(required=True, validate=validate.OneOf([q[0] for q in QUALIFICATION_TYPES]))
    number = fields.String(required=True, validate=validate.Length(min=1, max=60))
    holder_name = _text(200)


class CertificateNeedSchema(StrictSchema):
    cert_code = fields.String(required=True, validate=validate.OneOf(sorted(CERTIFICATES)))
    originals = fields.Integer(load_default=1, strict=True, validate=validate.Range(0, 9))
    copies = fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 20))


class DeclarationBodySchema(StrictSchema):
    """The whole application as the enterprise enters it (暂存 accepts it incomplete)."""

    district_code = fields.String(
        allow_none=True,
        validate=validate.OneOf([d[0] for d in DISTRICTS]),
        metadata={"description": "关区 that inspects; defaults to the enterprise's district"},
    )
    applicant_code = _text(10, metadata={"description": "申请单位 10-character customs code"})
    applicant_name = _text(200)
    consignor_code = _text(10, metadata={"description": "发货人 10-character customs code"})
    consignor_name_zh = _text(200)
    consignor_name_en = _text(200)
    consignee_name_zh = _text(200)
    consignee_name_en = _text(200)
    consignee_address = _text(300)
    trade_mode = _text(10)
    trade_country = _text(3)
    destination_country = _text(3)
    departure_port = _text(10)
    arrival_port = _text(10)
    transport_mode = _text(10)
    transport_name = _text(100)
    contract_no = _text(60)
    lc_no = _text(60)
    shipping_date = fields.Date(allow_none=True)
    storage_place = _text(200)
    marks = _text(4000)
    special_requirements = _text(4000)
    total_packages = _count()
    package_kind = _text(20)
    total_net_weight = _decimal(3)
    total_gross_weight = _decimal(3)
    goods = fields.List(fields.Nested(GoodsLineSchema), load_default=list, validate=validate.Length(max=500))
    containers = fields.List(
        fields.Nested(ContainerSchema), load_default=list, validate=validate.Length(max=200)
    )
    qualifications = fields.List(
        fields.Nested(QualificationRefSchema), load_default=list, validate=validate.Length(max=50)
    )
    certificates = fields.List(
        fields.Nested(CertificateNeedSchema), load_default=list, validate=validate.Length(max=10)
    )

    @validates_schema
    def _one_entry_per_certificate(self, data, **kwargs):
        codes = [c["cert_code"] for c in data.get("certificates") or []]
        if len(codes) != len(set(codes)):
            raise ValidationError("each certificate code at most once", "certificates")


class DeclarationEditSchema(DeclarationBodySchema):
    version = fields.Integer(
        strict=True,
        validate=validate.Range(1, 2**31 - 1),
        metadata={"description": "the version this edit is based on (or send If-Match)"},
    )


class VersionSchema(StrictSchema):
    version = fields.Integer(strict=True, validate=validate.Range(1, 2**31 - 1))


class WithdrawSchema(VersionSchema):
    reason = fields.String(validate=validate.Length(max=500))


class FindingSchema(Schema):
    severity = fields.String(validate=validate.OneOf(["error", "warning", "info"]))
    path = fields.String(metadata={"description": 'e.g. "goods[2].hs_code" (0-based index)'})
    rule = fields.String(metadata={"description": "stable rule code, e.g. goods.qualification_missing"})
    message_zh = fields.String()
    message_en = fields.String()


class ValidationReportSchema(Schema):
    valid = fields.Boolean(metadata={"description": "no finding of severity error"})
    findings = fields.List(fields.Nested(FindingSchema))


class ReceiptSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    status = fields.String()
    text_zh = fields.String()
    text_en = fields.String()
    created_at = fields.DateTime()
    actor_label = fields.String(metadata={"description": "who: an enterprise user, customs, or the system"})
    field_reasons = fields.Function(
        lambda receipt: (receipt.detail or {}).get("field_reasons") or [],
        metadata={
            "description": "退回: the reviewer's reason per field path {path, reason_zh, reason_en}",
            "type": "array",
            "items": {"type": "object"},
        },
    )


class ERecordBriefSchema(Schema):
    e_record_no = fields.String()
    status = fields.String()
    issued_at = fields.DateTime()
    valid_until = fields.DateTime()


class _StatusMixin(Schema):
    status = fields.String()
    status_label_zh = fields.Function(lambda obj: STATUS_LABELS[Status(obj.status)][0])
    status_label_en = fields.Function(lambda obj: STATUS_LABELS[Status(obj.status)][1])


class DeclarationSchema(_StatusMixin, DeclarationBodySchema):
    class Meta:
        ordered = True

    id = fields.Integer()
    version = fields.Integer()
    enterprise_id = fields.Integer()
    inspection_no = fields.String(allow_none=True)
    source = fields.String()
    copied_from_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    goods = fields.List(fields.Nested(GoodsLineOutSchema))
    e_record = fields.Nested(ERecordBriefSchema, allow_none=True)


class DeclarationListItemSchema(_StatusMixin, Schema):
    id = fields.Integer()
    version = fields.Integer()
    inspection_no = fields.String(allow_none=True)
    district_code = fields.String()
    enterprise_id = fields.Integer()
    source = fields.String()
    consignee_name_en = fields.String(allow_none=True)
    destination_country = fields.String(allow_none=True)
    created_at = fields.DateTime()
    accepted_at = fields.DateTime(allow_none=True)
    e_record = fields.Nested(ERecordBriefSchema, allow_none=True)
    # Set by queries.list_declarations (one query for the whole page).
    latest_receipt = fields.Nested(ReceiptSchema, allow_none=True)


class DeclarationPageSchema(Schema):
    items = fields.List(fields.Nested(DeclarationListItemSchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "pass as cursor for the next page"})


class DeclarationFilterSchema(StrictSchema):
    status = fields.List(fields.String(validate=validate.OneOf([s.value for s in Status])))
    created_from = fields.Date(metadata={"description": "China date, inclusive"})
    created_to = fields.Date(metadata={"description": "China date, inclusive"})
    accepted_from = fields.Date()
    accepted_to = fields.Date()
    issued_from = fields.Date(metadata={"description": "e-record issue date (签发日期), inclusive"})
    issued_to = fields.Date()
    inspection_no = fields.String(validate=validate.Length(min=1, max=15))
    e_record_no = fields.String(validate=validate.Length(min=1, max=18))
    order = fields.String(
        load_default="created",
        validate=validate.OneOf(["created", "accepted"]),
        metadata={"description": "newest first by creation, or by acceptance (only accepted ones)"},
    )


class DeclarationQuerySchema(DeclarationFilterSchema):
    # Not strict: query strings are strings ("50"); "2.5" is still refused.
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String(validate=validate.Length(max=200))


class LookupQuerySchema(StrictSchema):
    inspection_no = fields.String(validate=validate.Length(min=1, max=15))
    e_record_no = fields.String(validate=validate.Length(min=1, max=18))


class AttachmentUploadFormSchema(StrictSchema):
    # Required, but checked by the service after ownership, so a foreign id is 404 whatever the body.
    kind = fields.String(
        load_default=None,
        validate=validate.OneOf(sorted(ATTACHMENT_KINDS)),
        metadata={"description": "required: contract, invoice, packing_list, lc, bill_of_lading, other"},
    )


class AttachmentSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()
