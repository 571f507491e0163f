"""The certificate type catalog: seeded as data, validated as data."""

from backend.certificates.catalog import CERTIFICATE_TYPES, field_errors, type_spec
from backend.certificates.models import CertificateType
from backend.errors import DomainError
from backend.extensions import db
from tests.certificates_shared.samples import TYPE_FIELDS

EXPECTED = {
    "11": "品质证书", "12": "重量证书", "13": "数量证书", "14": "兽医卫生证书", "15": "健康证书",
    "16": "卫生证书", "17": "动物卫生证书", "18": "植物检疫证书", "19": "熏蒸/消毒证书", "99": "通用证书",
}


def test_every_type_is_seeded_with_fields_layout_and_languages():
    rows = {row.code: row for row in db.session.execute(db.select(CertificateType)).scalars()}
    assert {code: row.name_zh for code, row in rows.items()} == EXPECTED
    phyto = rows["18"]
    assert phyto.name_en == "PHYTOSANITARY CERTIFICATE"
    keys = {f["key"] for f in phyto.fields}
    assert {"botanical_name", "place_of_origin", "treatment", "additional_declaration"} <= keys
    fumigation = {f["key"] for f in rows["19"].fields}
    assert {"chemical", "concentration", "duration", "temperature"} <= fumigation
    assert {"declared_net_weight", "found_net_weight"} <= {f["key"] for f in rows["12"].fields}
    assert {"declared_quantity", "found_quantity"} <= {f["key"] for f in rows["13"].fields}
    assert "inspection_result" in {f["key"] for f in rows["11"].fields}
    for row in rows.values():
        assert row.languages == ["zh", "en"]
        assert row.layout["statement_zh"] and row.layout["statement_en"] and row.layout["goods_columns"]


def test_sample_fields_are_valid_for_every_type():
    for spec in CERTIFICATE_TYPES:
        assert field_errors(spec, TYPE_FIELDS[spec.code]) == {}, spec.code


def test_field_errors_name_missing_unknown_and_malformed_fields():
    weight = type_spec("12")
    problems = field_errors(weight, {"found_net_weight": "19,985.5", "colour": "red", "weight_unit": "KGM"})
    assert set(problems) == {"fields.declared_net_weight", "fields.found_net_weight", "fields.colour"}
    assert field_errors(type_spec("19"), {**TYPE_FIELDS["19"], "treatment_date": "2026-13-01"}) == {
        "fields.treatment_date": ["must be a date YYYY-MM-DD"]
    }
    assert "fields.found_net_weight" in field_errors(weight, {**TYPE_FIELDS["12"], "found_net_weight": 12.5})


def test_unknown_type_is_a_domain_error():
    try:
        type_spec("42")
    except DomainError as exc:
        assert exc.error == "certificate.unknown_type" and exc.status == 422
    else:
        raise AssertionError("type 42 accepted")
