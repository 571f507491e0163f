"""Schemas of the e-record endpoints (clearance interface and customs void)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.core.schemas import StrictSchema

HS_CODE = validate.Regexp(r"^\d{4,10}$", error="4 to 10 digits")
CUSTOMS_CODE = validate.Regexp(r"^[0-9A-Z]{10}$", error="10 characters, digits or capital letters")


class ERecordSchema(Schema):
    e_record_no = fields.String()
    status = fields.String(metadata={"description": "normal | used | voided | expired"})
    declaration_id = fields.Integer()
    inspection_no = fields.String(attribute="declaration.inspection_no")
    goods_category = fields.String()
    issued_at = fields.DateTime()
    valid_until = fields.DateTime()
    used_at = fields.DateTime(allow_none=True)
    used_by_reference = fields.String(allow_none=True)
    voided_reason = fields.String(allow_none=True)
    version = fields.Integer()
    balance = fields.List(
        fields.Nested(lambda: BalanceLineSchema()),
        metadata={"description": "核销: per goods line, declared, consumed and remaining"},
    )
    consumptions = fields.List(fields.Nested(lambda: ConsumedLineSchema()))


def _amount(**kwargs):
    return fields.Decimal(places=3, as_string=True, allow_nan=False, **kwargs)


class BalanceLineSchema(Schema):
    line_no = fields.Integer()
    hs_code = fields.String()
    quantity_unit = fields.String(allow_none=True)
    quantity = _amount()
    consumed = _amount()
    remaining = _amount()
    net_weight = _amount(allow_none=True)
    net_weight_remaining = _amount(allow_none=True)
    packages = fields.Integer(allow_none=True)
    packages_remaining = fields.Integer(allow_none=True)


class ConsumedLineSchema(Schema):
    customs_declaration_no = fields.String()
    line_no = fields.Integer()
    goods_line_no = fields.Integer()
    hs_code = fields.String()
    quantity = _amount()
    quantity_unit = fields.String()
    net_weight = _amount(allow_none=True)
    packages = fields.Integer(allow_none=True)
    port_of_exit = fields.String()
    destination_country = fields.String()
    consumed_by = fields.String()
    consumed_at = fields.DateTime()


def _positive(value) -> None:
    """Above zero (a Range on a Decimal field would be documented as a string; the upper bound is
    StrictSchema's, DECIMAL_LIMIT)."""
    if value <= 0:
        raise ValidationError("must be greater than 0 / 须大于 0")


class CustomsLineSchema(StrictSchema):
    """One line of the export customs declaration (报关单表体)."""

    line_no = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=999))
    hs_code = fields.String(required=True, validate=HS_CODE)
    quantity = fields.Decimal(required=True, places=3, allow_nan=False, validate=_positive)
    quantity_unit = fields.String(
        required=True, validate=validate.Regexp(r"^\d{3}$", error="3-digit customs unit code")
    )
    net_weight = fields.Decimal(places=3, allow_nan=False, validate=_positive, metadata={"description": "kg"})
    packages = fields.Integer(strict=True, validate=validate.Range(min=1, max=10**9))


class VerifyArgsSchema(StrictSchema):
    """Either `hs_codes` (the first interface: the e-record is used whole) or the customs declaration's
    `lines` with its `port_of_exit` and `destination_country` (核销 in parts)."""

    customs_code = fields.String(required=True, validate=CUSTOMS_CODE)
    hs_codes = fields.List(fields.String(validate=HS_CODE), validate=validate.Length(min=1, max=100))
    lines = fields.List(fields.Nested(CustomsLineSchema), validate=validate.Length(min=1, max=50))
    port_of_exit = fields.String(
        validate=validate.Regexp(r"^[A-Z]{2}[A-Z0-9]{3}$", error="UN/LOCODE, 5 characters"),
        metadata={"description": "离境口岸 of the customs declaration"},
    )
    destination_country = fields.String(
        validate=validate.Regexp(r"^[A-Z]{3}$", error="ISO 3166 alpha-3"),
        metadata={"description": "运抵国: the consignee's country"},
    )

    @validates_schema
    def _one_form(self, data, **_):
        if ("hs_codes" in data) == ("lines" in data):
            raise ValidationError("give hs_codes or lines, not both / 商品编码与表体二选一", "lines")
        if "lines" in data:
            missing = {
                f: ["required with lines / 有表体时必填"]
                for f in ("port_of_exit", "destination_country")
                if f not in data
            }
            if missing:
                raise ValidationError(missing)
            numbers = [line["line_no"] for line in data["lines"]]
            if len(set(numbers)) != len(numbers):
                raise ValidationError("line numbers repeat / 项号重复", "lines")


class ConsumeArgsSchema(VerifyArgsSchema):
    customs_declaration_no = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9A-Za-z\-]{1,40}$"),
        metadata={"description": "报关单号; also the idempotency key of the consumption"},
    )


class ReasonSchema(Schema):
    code = fields.String()
    text_zh = fields.String()
    text_en = fields.String()
    line_no = fields.Integer(metadata={"description": "the customs declaration line it concerns"})


class ERecordVerificationSchema(Schema):
    e_record_no = fields.String(attribute="e_record.e_record_no")
    status = fields.String(attribute="e_record.status")
    valid_until = fields.DateTime(attribute="e_record.valid_until")
    usable = fields.Boolean()
    reasons = fields.List(fields.Nested(ReasonSchema))
    balance = fields.List(fields.Nested(BalanceLineSchema))


class ConsumptionSchema(Schema):
    e_record = fields.Nested(ERecordSchema)
    replayed = fields.Boolean(
        metadata={"description": "true when this repeats an earlier, identical consumption"}
    )


class VoidArgsSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    expected_version = fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1))
