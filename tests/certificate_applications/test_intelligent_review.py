"""Every intelligent-review rule, passing and failing, and what submission does with the outcome."""

from datetime import date, timedelta

import pytest

from backend.certificate_applications import intelligent_review as rules
from backend.certificate_applications.intelligent_review import ReviewContext, inspection_outcome
from backend.certificate_applications.models import AgentAuthorisation
from backend.certificate_applications.service import create_application, submit_application
from backend.core.enums import Role
from backend.core.models import utcnow
from backend.declarations.models import Receipt
from backend.extensions import db
from tests.certificates_shared.fixtures import actor_of, phyto_form


def context(declaration, e_record, *, enterprise=None, form=None, assurance="key", **extra) -> ReviewContext:
    return ReviewContext(
        enterprise_id=enterprise.id if enterprise is not None else declaration.enterprise_id,
        type_code="18",
        form=form or phyto_form(),
        e_record=e_record,
        declaration=declaration,
        submitted_assurance=assurance,
        **extra,
    )


def add_receipt(declaration, code):
    declaration.receipts.append(Receipt(code=code, status="x", text_zh="x", text_en="x", actor_label="test"))
    db.session.commit()


def issue_through_application(exporter_user, e_record, form=None):
    actor = actor_of(exporter_user)
    draft = create_application(
        actor=actor, e_record_no=e_record.e_record_no, type_code="18", form=form or phyto_form()
    )
    return submit_application(actor=actor, application_id=draft.id)


def test_all_rules_pass_on_a_consistent_application(declaration, e_record):
    results = rules.review(context(declaration, e_record))
    assert [r.rule for r in results] == [
        "e_record_normal_and_unexpired",
        "inspection_passed_or_not_required",
        "goods_within_declaration",
        "certificate_type_fits_goods",
        "destination_consistent",
        "applicant_is_consignor_or_agent",
        "no_second_original",
        "required_fields_present",
        "key_login",
    ]
    assert all(r.passed for r in results), [r for r in results if not r.passed]
    assert all(r.reason_zh and r.reason_en for r in results)


@pytest.mark.parametrize("status", ["used", "voided", "expired"])
def test_e_record_must_be_normal(declaration, e_record, status):
    e_record.status = status
    result = rules.e_record_normal_and_unexpired(context(declaration, e_record))
    assert not result.passed and status in result.reason_en


def test_e_record_must_be_unexpired(declaration, e_record):
    e_record.valid_until = utcnow() - timedelta(minutes=1)
    result = rules.e_record_normal_and_unexpired(context(declaration, e_record))
    assert not result.passed and "expired" in result.reason_en


@pytest.mark.parametrize(
    ("codes", "outcome", "passes"),
    [
        ([], "not_required", True),
        (["INSPECTION_NOTICE", "INSPECTION_PASSED"], "passed", True),
        (["INSPECTION_NOTICE", "INSPECTION_FAILED"], "failed", False),
        (["INSPECTION_NOTICE", "INSPECTION_FAILED", "REINSPECTION", "INSPECTION_PASSED"], "passed", True),
        (["INSPECTION_NOTICE"], "pending", False),
    ],
)
def test_inspection_outcome_from_receipts(declaration, e_record, codes, outcome, passes):
    for code in codes:
        add_receipt(declaration, code)
    assert inspection_outcome(declaration) == outcome
    assert rules.inspection_passed_or_not_required(context(declaration, e_record)).passed is passes


def test_goods_must_be_declared_hs_codes(declaration, e_record):
    form = phyto_form()
    form["goods"][0]["hs_code"] = "4419190000"
    result = rules.goods_within_declaration(context(declaration, e_record, form=form))
    assert not result.passed and "4419190000" in result.reason_en


@pytest.mark.parametrize(("key", "value"), [("quantity", "100001"), ("net_weight", "2000.001")])
def test_goods_may_not_exceed_the_declared(declaration, e_record, key, value):
    form = phyto_form()
    form["goods"][0][key] = value
    result = rules.goods_within_declaration(context(declaration, e_record, form=form))
    assert not result.passed and key in result.reason_en


def test_goods_sum_over_other_live_certificates_of_the_type(declaration, e_record, exporter_user):
    half = phyto_form()
    half["goods"][0].update(quantity="60000", net_weight="1200")
    issued = issue_through_application(exporter_user, e_record, form=half)
    assert issued.certificate_id is not None or issued.status == "officer_review"
    result = rules.goods_within_declaration(context(declaration, e_record, form=half))
    assert not result.passed and "120000" in result.reason_en
    rest = phyto_form()
    rest["goods"][0].update(quantity="40000", net_weight="800")
    assert rules.goods_within_declaration(context(declaration, e_record, form=rest)).passed


def test_quantities_in_another_unit_are_not_compared(declaration, e_record):
    form = phyto_form()
    form["goods"][0].update(quantity="200", quantity_unit="CT")
    assert rules.goods_within_declaration(context(declaration, e_record, form=form)).passed


def test_destination_must_match(declaration, e_record):
    result = rules.destination_consistent(
        context(declaration, e_record, form=phyto_form(destination_country="USA"))
    )
    assert not result.passed and "USA" in result.reason_en and "JPN" in result.reason_en


def test_applicant_must_be_consignor_or_authorised_agent(factories, declaration, e_record, exporter):
    agent = factories.enterprise()
    ctx = context(declaration, e_record, enterprise=agent)
    assert not rules.applicant_is_consignor_or_agent(ctx).passed
    grant = AgentAuthorisation(
        consignor_enterprise_id=exporter.id,
        agent_enterprise_id=agent.id,
        valid_from=date.today() - timedelta(days=1),
        valid_until=date.today() + timedelta(days=30),
    )
    db.session.add(grant)
    db.session.commit()
    assert rules.applicant_is_consignor_or_agent(ctx).passed
    grant.valid_until = date.today() - timedelta(days=1)
    db.session.commit()
    assert not rules.applicant_is_consignor_or_agent(ctx).passed
    grant.valid_until, grant.revoked_at = date.today() + timedelta(days=1), utcnow()
    db.session.commit()
    assert not rules.applicant_is_consignor_or_agent(ctx).passed


def test_no_second_original_for_the_same_goods(declaration, e_record, exporter_user):
    assert rules.no_second_original(context(declaration, e_record)).passed
    half = phyto_form()
    half["goods"][0].update(quantity="10", net_weight="1")
    first = issue_through_application(exporter_user, e_record, form=half)
    assert first.status == "issued"
    result = rules.no_second_original(context(declaration, e_record, form=half))
    assert not result.passed and first.certificate_id is not None


def test_no_second_original_counts_applications_under_review(declaration, e_record, exporter_user):
    referred = issue_through_application(exporter_user, e_record, form=phyto_form(destination_country="USA"))
    assert referred.status == "officer_review"
    result = rules.no_second_original(context(declaration, e_record))
    assert not result.passed and f"application {referred.id}" in result.reason_en
    mine = context(declaration, e_record, application_id=referred.id)
    assert rules.no_second_original(mine).passed


def test_required_fields_from_the_type_catalog(declaration, e_record):
    form = phyto_form(fields={"place_of_origin": "福建"}, consignee={})
    result = rules.required_fields_present(context(declaration, e_record, form=form))
    assert not result.passed
    assert "fields.botanical_name" in result.reason_en and "consignee.name_en" in result.reason_en
    unknown = phyto_form(fields={**phyto_form()["fields"], "colour": "green"})
    assert not rules.required_fields_present(context(declaration, e_record, form=unknown)).passed


@pytest.mark.parametrize(("assurance", "passes"), [("key", True), ("password", False), (None, False)])
def test_key_login(declaration, e_record, assurance, passes):
    assert rules.key_login(context(declaration, e_record, assurance=assurance)).passed is passes


def test_password_session_submitting_through_the_service_is_referred(exporter_user, e_record):
    actor = actor_of(exporter_user, "password")
    draft = create_application(
        actor=actor, e_record_no=e_record.e_record_no, type_code="18", form=phyto_form()
    )
    submitted = submit_application(actor=actor, application_id=draft.id)
    assert submitted.status == "officer_review"
    assert rules.failed(submitted.rule_results) == ["key_login"]


def test_agent_applies_for_the_consignor(factories, exporter, e_record, client):
    agent = factories.enterprise(customs_code="4403970002")
    agent_user = factories.user(Role.ENTERPRISE, enterprise=agent)
    body = {"e_record_no": e_record.e_record_no, "type_code": "18", "form": phyto_form()}
    agent_headers = factories.headers(agent_user, "key")
    assert (
        client.post("/api/v1/certificate-applications", json=body, headers=agent_headers).status_code == 404
    )
    consignor = factories.headers(factories.user(Role.ENTERPRISE, enterprise=exporter), "key")
    grant = {
        "agent_customs_code": "4403970002",
        "valid_from": date.today().isoformat(),
        "valid_until": (date.today() + timedelta(days=90)).isoformat(),
    }
    assert client.post("/api/v1/certificate-agents", json=grant, headers=consignor).status_code == 201
    created = client.post("/api/v1/certificate-applications", json=body, headers=agent_headers)
    assert created.status_code == 201
    submitted = client.post(
        f"/api/v1/certificate-applications/{created.get_json()['id']}/submit", json={}, headers=agent_headers
    ).get_json()
    assert submitted["status"] == "issued"
    own = {
        "agent_customs_code": exporter.customs_code,
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
    }
    refused = client.post("/api/v1/certificate-agents", json=own, headers=consignor)
    assert refused.status_code == 422 and refused.get_json()["error"] == "agent_authorisation.invalid"
