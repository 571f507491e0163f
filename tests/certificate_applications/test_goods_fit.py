"""Intelligent review checks that the certificate type fits the goods (by HS chapter, from the certificate
type catalogue), and no rule's message ever prints `None` for a value that is missing."""

import dataclasses

import pytest

from backend.certificate_applications import intelligent_review as rules
from backend.declarations.models import DeclarationCertificate
from backend.extensions import db
from tests.certificate_applications.test_intelligent_review import context
from tests.certificates_shared.fixtures import phyto_form

VETERINARY_FIELDS = {"establishment": "竹韵家居 4403BWG0001", "veterinary_result": "经检验合格。"}


def test_a_veterinary_certificate_for_bamboo_chopsticks_is_referred_with_the_reason(
    client, apply_for, key_headers, declaration
):
    declaration.certificates.append(DeclarationCertificate(cert_code="14", originals=1, copies=0))
    db.session.commit()
    draft = apply_for(type_code="14", form=phyto_form(fields=VETERINARY_FIELDS))
    body = client.post(
        f"/api/v1/certificate-applications/{draft['id']}/submit", json={}, headers=key_headers
    ).get_json()
    assert body["status"] == "officer_review" and body["certificate_no"] is None
    failed = [r for r in body["rule_results"] if not r["passed"]]
    assert [r["rule"] for r in failed] == ["certificate_type_fits_goods"]
    assert "兽医卫生证书" in failed[0]["reason_zh"] and "4419121000" in failed[0]["reason_zh"]
    assert "VETERINARY HEALTH CERTIFICATE" in failed[0]["reason_en"]
    assert "chapter 44" in failed[0]["reason_en"]


@pytest.mark.parametrize(
    ("type_code", "hs_code", "fits"),
    [
        ("18", "4419121000", True),  # phytosanitary: bamboo chopsticks (ch. 44)
        ("17", "4419121000", False),  # animal health: not for wood
        ("14", "0203110000", True),  # veterinary health: pork (ch. 02)
        ("18", "0203110000", False),  # phytosanitary: not for meat
        ("16", "2106909090", True),  # sanitary: food preparations (ch. 21)
        ("16", "8471300000", False),  # sanitary: not for computers
        ("11", "8471300000", True),  # quality: any goods
        ("19", "8471300000", True),  # fumigation: any goods (their wooden packing)
    ],
)
def test_the_type_fits_the_goods_by_hs_chapter(declaration, e_record, type_code, hs_code, fits):
    form = phyto_form()
    form["goods"][0]["hs_code"] = hs_code
    ctx = dataclasses.replace(context(declaration, e_record, form=form), type_code=type_code)
    assert rules.certificate_type_fits_goods(ctx).passed is fits


def test_messages_never_print_none(declaration, e_record):
    declaration.consignor_code = None
    db.session.commit()
    form = phyto_form(destination_country=None)
    form["goods"][0]["hs_code"] = None
    results = {r.rule: r for r in rules.review(context(declaration, e_record, form=form))}
    for result in results.values():
        assert "None" not in result.reason_zh and "None" not in result.reason_en, result
    assert results["destination_consistent"].reason_zh == "输往国家（未填写）与申报的 JPN 不一致。"
    assert (
        results["destination_consistent"].reason_en
        == "Destination (not given) differs from the declared JPN."
    )
    assert "第1行 HS 编码（未填写）未申报" in results["goods_within_declaration"].reason_zh
    assert "line 1: HS code (not given) was not declared" in results["goods_within_declaration"].reason_en
    assert "发货人（未填写）" in results["applicant_is_consignor_or_agent"].reason_zh
    assert "consignor (not given)" in results["applicant_is_consignor_or_agent"].reason_en


def test_a_destination_missing_from_the_declaration_is_named(declaration, e_record):
    declaration.destination_country = None
    db.session.commit()
    result = rules.destination_consistent(context(declaration, e_record))
    assert not result.passed
    assert result.reason_zh == "输往国家 JPN 与申报的（未填写）不一致。"
    assert result.reason_en == "Destination JPN differs from the declared (not given)."
