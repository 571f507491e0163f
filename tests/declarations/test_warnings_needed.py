"""Warnings the enterprise needs (the application can still be submitted): goods that need a certificate
the application does not ask for, two identical goods lines, and an e-record that would expire before
the declared shipping date. Each with a stable rule and messages in Chinese and English."""

from datetime import timedelta

from backend.declarations.service import china_today
from tests.declarations import test_validation
from tests.declarations.bodies import GOODS, registered_body

ent, check = test_validation.ent, test_validation.check  # the validation tests' enterprise fixture and call


def warnings(report, rule) -> list[dict]:
    found = [f for f in report["findings"] if f["rule"] == rule]
    assert all(f["severity"] == "warning" and f["message_zh"] and f["message_en"] for f in found), found
    return found


def test_a_plant_product_without_a_phytosanitary_certificate_is_warned(client, ent, factories):
    enterprise, headers = ent
    report = check(
        client, headers, registered_body(factories, enterprise, "chopsticks", "steel_pipes", certificates=[])
    )
    assert report["valid"] is True
    [found] = warnings(report, "certificates.needed_missing")
    assert found["path"] == "certificates"
    assert "第1行" in found["message_zh"] and "植物检疫证书" in found["message_zh"]
    assert "line 1" in found["message_en"] and "phytosanitary" in found["message_en"]
    asked = registered_body(factories, enterprise, "chopsticks", "steel_pipes")  # ticks 18
    assert warnings(check(client, headers, asked), "certificates.needed_missing") == []


def test_fish_without_a_veterinary_or_health_certificate_is_warned(client, ent, factories):
    enterprise, headers = ent
    data = registered_body(factories, enterprise, "frozen_fish")  # ticks only 18
    [found] = warnings(check(client, headers, data), "certificates.needed_missing")
    assert "兽医卫生证书" in found["message_zh"]
    data["certificates"] = [{"cert_code": "15", "originals": 1, "copies": 0}]  # a health certificate does
    assert warnings(check(client, headers, data), "certificates.needed_missing") == []


def test_two_identical_goods_lines_are_a_possible_duplicate(client, ent, factories):
    enterprise, headers = ent
    lines = [dict(GOODS["chopsticks"]), dict(GOODS["steel_pipes"]), dict(GOODS["chopsticks"])]
    report = check(client, headers, registered_body(factories, enterprise, goods=lines))
    assert report["valid"] is True
    [found] = warnings(report, "goods.duplicate_line")
    assert found["path"] == "goods[2].hs_code"
    assert "第3行" in found["message_zh"] and "第1行" in found["message_zh"]
    assert "line 3" in found["message_en"] and "line 1" in found["message_en"]
    different = [dict(GOODS["chopsticks"]), {**GOODS["chopsticks"], "packing_count": 201}]
    assert (
        warnings(
            check(client, headers, registered_body(factories, enterprise, goods=different)),
            "goods.duplicate_line",
        )
        == []
    )


def test_an_e_record_that_would_expire_before_shipping_is_warned(client, ent, factories):
    enterprise, headers = ent
    # Bamboo chopsticks are plant products: an e-record issued today is valid 21 days.
    late = registered_body(
        factories, enterprise, shipping_date=(china_today() + timedelta(days=30)).isoformat()
    )
    report = check(client, headers, late)
    assert report["valid"] is True
    [found] = warnings(report, "shipping_date.after_e_record_validity")
    assert found["path"] == "shipping_date"
    until = (china_today() + timedelta(days=21)).isoformat()
    assert "21" in found["message_zh"] and until in found["message_zh"] and until in found["message_en"]
    soon = registered_body(
        factories, enterprise, shipping_date=(china_today() + timedelta(days=20)).isoformat()
    )
    assert warnings(check(client, headers, soon), "shipping_date.after_e_record_validity") == []
