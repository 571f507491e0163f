"""Validation that explains itself: realistic goods, every finding at once, each naming line and rule."""

from datetime import date, timedelta

import pytest

from backend.core.enums import Role
from tests.declarations.bodies import body, registered_body

API = "/api/v1/declarations"


@pytest.fixture
def ent(factories):
    enterprise = factories.enterprise(customs_code="44031600Z9")
    user = factories.user(Role.ENTERPRISE, enterprise=enterprise)
    return enterprise, factories.headers(user)


def check(client, headers, data):
    response = client.post(f"{API}/validate", json=data, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def errors(report):
    return {(f["path"], f["rule"]) for f in report["findings"] if f["severity"] == "error"}


def by_rule(report, rule):
    return [f for f in report["findings"] if f["rule"] == rule]


def test_complete_application_is_valid(client, ent, factories):
    enterprise, headers = ent
    report = check(
        client, headers, registered_body(factories, enterprise, "chopsticks", "tea", "steel_pipes")
    )
    assert report["valid"] is True, report
    assert all(f["severity"] != "error" for f in report["findings"])


def test_every_finding_has_the_explaining_shape(client, ent):
    enterprise, headers = ent
    report = check(client, headers, body(enterprise, applicant_code="bad"))
    assert report["valid"] is False
    for finding in report["findings"]:
        assert set(finding) == {"severity", "path", "rule", "message_zh", "message_en"}
        assert finding["severity"] in ("error", "warning", "info")


@pytest.mark.parametrize(
    "goods, type_code, registration",
    [
        ("chopsticks", "BWG_PRODUCER", "出境竹木草制品生产企业注册登记"),
        ("honey", "HONEY_PRODUCER", "出口蜂产品生产企业备案"),
        ("tea", "FOOD_PRODUCER", "出口食品生产企业备案"),
        ("frozen_fish", "AQUATIC_PRODUCER", "出口水产品生产企业注册"),
    ],
)
def test_goods_needing_a_registration_must_name_it(client, ent, goods, type_code, registration):
    enterprise, headers = ent
    report = check(client, headers, body(enterprise, "steel_pipes", goods))
    [finding] = by_rule(report, "goods.qualification_missing")
    assert finding["path"] == "goods[1].hs_code"
    assert finding["message_zh"].startswith(
        f"第2行 {body(enterprise, goods)['goods'][0]['name_zh']} 需要 {registration}"
    )
    assert type_code in finding["message_en"]


def test_bamboo_chopsticks_message_reads_like_the_seed(client, ent):
    enterprise, headers = ent
    [finding] = by_rule(check(client, headers, body(enterprise)), "goods.qualification_missing")
    assert finding["message_zh"].startswith("第1行 竹筷 需要 出境竹木草制品生产企业注册登记")


def test_steel_pipes_need_no_registration(client, ent):
    enterprise, headers = ent
    assert check(client, headers, body(enterprise, "steel_pipes"))["valid"] is True


def test_named_qualification_must_be_registered_unexpired_and_the_enterprises_own(client, ent, factories):
    enterprise, headers = ent
    other = factories.enterprise()
    theirs = factories.qualification(other, "BWG_PRODUCER")
    expired = factories.qualification(
        enterprise, "FOOD_PRODUCER", valid_until=date.today() - timedelta(days=2)
    )
    data = body(
        enterprise,
        "chopsticks",
        "tea",
        qualifications=[
            {"type_code": "BWG_PRODUCER", "number": theirs.number},
            {"type_code": "FOOD_PRODUCER", "number": expired.number},
        ],
    )
    report = check(client, headers, data)
    assert errors(report) == {
        ("qualifications[0].number", "qualification.not_registered"),
        ("qualifications[1].number", "qualification.expired"),
    }
    assert theirs.number in by_rule(report, "qualification.not_registered")[0]["message_zh"]


def test_customs_codes_countries_ports_units_and_codes(client, ent):
    enterprise, headers = ent
    data = body(
        enterprise,
        "steel_pipes",
        applicant_code="4403-12345",
        consignor_code="44031a0001",
        trade_country="JP",
        destination_country="XXX",
        departure_port="JPTYO",
        arrival_port="ZZZZZ",
    )
    data["goods"][0].update(hs_code="73041920", ciq_code="9999999999999", quantity_unit="KGS")
    report = check(client, headers, data)
    assert errors(report) >= {
        ("applicant_code", "party.customs_code_format"),
        ("consignor_code", "party.customs_code_format"),
        ("trade_country", "country.unknown"),
        ("destination_country", "country.unknown"),
        ("departure_port", "port.departure_not_domestic"),
        ("arrival_port", "port.unknown"),
        ("goods[0].hs_code", "goods.hs_code_format"),
        ("goods[0].ciq_code", "goods.ciq_code_unknown"),
        ("goods[0].quantity_unit", "goods.unit_unknown"),
    }


def test_overlong_customs_code_is_a_field_error_even_in_a_draft(client, ent):
    enterprise, headers = ent
    response = client.post(API, json=body(enterprise, applicant_code="4403123456789"), headers=headers)
    assert response.status_code == 422 and "applicant_code" in response.get_json()["errors"]


def test_three_documents_agree_names_the_numbers(client, ent):
    """三单一致: packages and net weight of the lines add up to the header."""
    enterprise, headers = ent
    data = body(enterprise, "steel_pipes", "tea", total_packages=300, total_net_weight="125000.500")
    report = check(client, headers, data)
    [packages] = by_rule(report, "consistency.packages")
    assert "290" in packages["message_zh"] and "300" in packages["message_zh"]
    [weight] = by_rule(report, "consistency.net_weight")
    assert "125000.000" in weight["message_zh"] and "125000.500" in weight["message_zh"]


def test_amounts_must_be_positive_and_required_fields_present(client, ent):
    enterprise, headers = ent
    data = body(enterprise, "steel_pipes", contract_no=None, total_packages=0)
    data["goods"][0].update(quantity="0", net_weight="-1.000", value=None)
    report = check(client, headers, data)
    assert errors(report) >= {
        ("contract_no", "field.required"),
        ("total_packages", "amount.not_positive"),
        ("goods[0].quantity", "amount.not_positive"),
        ("goods[0].net_weight", "amount.not_positive"),
        ("goods[0].value", "field.required"),
    }


def test_shipping_date_in_the_past_blocks_a_new_submission(client, ent):
    enterprise, headers = ent
    yesterday = (date.today() - timedelta(days=3)).isoformat()
    report = check(client, headers, body(enterprise, "steel_pipes", shipping_date=yesterday))
    assert ("shipping_date", "shipping_date.past") in errors(report)


def test_empty_application_lists_everything_missing(client, ent):
    _, headers = ent
    report = check(client, headers, {})
    assert ("goods", "goods.empty") in errors(report)
    assert len([f for f in report["findings"] if f["rule"] == "field.required"]) >= 10


def test_stored_draft_is_validated_without_change(client, ent, factories):
    enterprise, headers = ent
    created = client.post(API, json=body(enterprise, "honey"), headers=headers).get_json()
    report = client.post(f"{API}/{created['id']}/validate", headers=headers).get_json()
    assert ("goods[0].hs_code", "goods.qualification_missing") in errors(report)
    assert client.get(f"{API}/{created['id']}", headers=headers).get_json()["version"] == 1


def test_submit_runs_the_same_checks(client, ent, factories):
    enterprise, headers = ent
    created = client.post(API, json=body(enterprise, "frozen_fish"), headers=headers).get_json()
    refused = client.post(f"{API}/{created['id']}/submit", json={}, headers=headers).get_json()
    [finding] = [f for f in refused["detail"]["findings"] if f["rule"] == "goods.qualification_missing"]
    assert finding["message_zh"].startswith("第1行 冻竹荚鱼 需要 出口水产品生产企业注册")
    fixed = registered_body(factories, enterprise, "frozen_fish")
    client.put(f"{API}/{created['id']}", json={**fixed, "version": 1}, headers=headers)
    accepted = client.post(f"{API}/{created['id']}/submit", json={}, headers=headers)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
