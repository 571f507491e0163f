"""Applications against the code tables: HS warning vs error, realistic codes, the producer's registration."""

from __future__ import annotations

import pytest

from backend.core.enums import Role
from tests.declarations.bodies import body, registered_body

API = "/api/v1/declarations/validate"


@pytest.fixture
def ent(factories):
    enterprise = factories.enterprise(customs_code="44031600Z9", name_zh="深圳竹韵贸易有限公司")
    return enterprise, factories.headers(factories.user(Role.ENTERPRISE, enterprise=enterprise))


def _report(client, headers, data):
    response = client.post(API, json=data, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _at(report, path):
    return [(f["severity"], f["rule"]) for f in report["findings"] if f["path"] == path]


def test_unlisted_code_under_a_real_subheading_warns_naming_the_version(client, ent, factories):
    enterprise, headers = ent
    data = registered_body(factories, enterprise, "chopsticks")
    # 4419.12 (chopsticks of bamboo) exists in the HS; 4419129000 is not in the national table.
    data["goods"][0].update(hs_code="4419129000", ciq_code="4419129000101")
    report = _report(client, headers, data)
    assert report["valid"] is True
    assert _at(report, "goods[0].hs_code") == [("warning", "goods.hs_code_unlisted")]
    assert _at(report, "goods[0].ciq_code") == [("warning", "goods.ciq_code_unlisted")]
    warning = next(f for f in report["findings"] if f["rule"] == "goods.hs_code_unlisted")
    assert "第1版（2000-01-01起施行）" in warning["message_zh"]
    assert "version 1 in force from 2000-01-01" in warning["message_en"]


def test_code_under_a_subheading_that_does_not_exist_is_an_error(client, ent, factories):
    enterprise, headers = ent
    data = registered_body(factories, enterprise, "chopsticks")
    data["goods"][0].update(hs_code="4419990000", ciq_code="4419990000999")  # no subheading 4419.99
    report = _report(client, headers, data)
    assert report["valid"] is False
    assert _at(report, "goods[0].hs_code") == [("error", "goods.hs_subheading_unknown")]
    assert _at(report, "goods[0].ciq_code") == [("error", "goods.ciq_code_unknown")]
    error = next(f for f in report["findings"] if f["rule"] == "goods.hs_subheading_unknown")
    assert error["message_zh"] == "第1行 HS编码“4419990000”的子目 441999 不存在"


def test_thirty_realistic_applications_meet_no_catalogue_gap(client, ent, factories):
    """Real goods, CIQ codes and ports the national extension never typed: warnings, never refusals."""
    enterprise, headers = ent
    goods = [
        ("6911101900", "瓷餐具"),
        ("9503008900", "塑料玩具"),
        ("6402999000", "运动鞋"),
        ("8516500000", "微波炉"),
        ("9405110000", "LED吊灯"),
        ("6109100010", "棉制T恤"),
        ("4202920000", "旅行包"),
        ("7013370000", "玻璃杯"),
        ("8471300000", "笔记本电脑"),
        ("9401710000", "软垫金属椅"),
    ]
    ports = [
        ("CNSHA", "USLAX"),
        ("CNNGB", "DEHAM"),
        ("CNQZJ", "NLRTM"),
        ("CNLYG", "KRPUS"),
        ("CNZUH", "AUBNE"),
    ]
    refused = []
    for n in range(30):
        hs_code, name = goods[n % len(goods)]
        departure, arrival = ports[n % len(ports)]
        line = {
            **body(enterprise)["goods"][0],
            "hs_code": hs_code,
            "ciq_code": f"{hs_code}{101 + n}",
            "name_zh": name,
            "quantity_unit": "011",
        }
        data = body(
            enterprise,
            goods=[line],
            departure_port=departure,
            arrival_port=arrival,
            trade_country="USA",
            destination_country="USA",
        )
        report = _report(client, headers, data)
        refused += [f["rule"] for f in report["findings"] if f["severity"] == "error"]
    assert refused == []


def test_registration_may_belong_to_the_producer_named_on_the_goods_line(client, ent, factories):
    trader, headers = ent
    factory = factories.enterprise(customs_code="3507960ABC", name_zh="建瓯竹木制品有限公司")
    registration = factories.qualification(
        factory, "BWG_PRODUCER", "3500BWG0088", holder_name=factory.name_zh
    )
    # The same number recorded under a second enterprise too: numbers are no longer unique to one.
    factories.qualification(factories.enterprise(), "BWG_PRODUCER", "3500BWG0088")
    named = [{"type_code": "BWG_PRODUCER", "number": registration.number, "holder_name": factory.name_zh}]
    data = body(trader, "chopsticks", qualifications=named)  # producer_name: 建瓯竹木制品有限公司
    assert _report(client, headers, data)["valid"] is True
    # Another trader exports the same factory's goods under the same registration.
    other = factories.enterprise(customs_code="4403990XYZ")
    other_headers = factories.headers(factories.user(Role.ENTERPRISE, enterprise=other))
    assert _report(client, other_headers, body(other, "chopsticks", qualifications=named))["valid"] is True
    # A producer the goods line does not name lends nothing.
    data["goods"][0].update(producer_name="别家工厂", producer_registration_no="9999BWG0000")
    report = _report(client, headers, data)
    assert _at(report, "qualifications[0].number") == [("error", "qualification.not_registered")]
