"""Realistic application bodies for the declaration tests (JSON, as a browser sends them)."""

from __future__ import annotations

from datetime import date, timedelta

GOODS = {
    "chopsticks": {
        "hs_code": "4419121000",
        "ciq_code": "4419121000999",
        "name_zh": "竹筷",
        "name_en": "Bamboo chopsticks",
        "origin_place": "福建省建瓯市",
        "quantity": "100000.000",
        "quantity_unit": "025",
        "net_weight": "2000.000",
        "value": "12000.00",
        "currency": "USD",
        "packing_kind": "CTN",
        "packing_count": 200,
        "producer_name": "建瓯竹木制品有限公司",
        "producer_registration_no": "3500BWG0088",
        "purpose": "食用",
    },
    "honey": {
        "hs_code": "0409000000",
        "ciq_code": "0409000000999",
        "name_zh": "天然蜂蜜",
        "name_en": "Natural honey",
        "quantity": "19200.000",
        "quantity_unit": "035",
        "net_weight": "19200.000",
        "value": "48000.00",
        "currency": "USD",
        "packing_kind": "DRUM",
        "packing_count": 64,
    },
    "tea": {
        "hs_code": "0902109000",
        "ciq_code": "0902109000999",
        "name_zh": "绿茶",
        "name_en": "Green tea",
        "quantity": "5000.000",
        "quantity_unit": "035",
        "net_weight": "5000.000",
        "value": "60000.00",
        "currency": "USD",
        "packing_kind": "CTN",
        "packing_count": 250,
    },
    "frozen_fish": {
        "hs_code": "0303550000",
        "ciq_code": "0303550000999",
        "name_zh": "冻竹荚鱼",
        "name_en": "Frozen jack mackerel",
        "quantity": "24000.000",
        "quantity_unit": "035",
        "net_weight": "24000.000",
        "value": "30000.00",
        "currency": "USD",
        "packing_kind": "CTN",
        "packing_count": 1200,
    },
    "steel_pipes": {
        "hs_code": "7304192000",
        "ciq_code": "7304192000999",
        "name_zh": "无缝钢管",
        "name_en": "Seamless line pipe",
        "quantity": "120.000",
        "quantity_unit": "070",
        "net_weight": "120000.000",
        "value": "96000.00",
        "currency": "USD",
        "packing_kind": "BDL",
        "packing_count": 40,
    },
}


def body(enterprise, *goods: str, qualifications=None, **overrides) -> dict:
    """A complete application of `enterprise` for the named goods (default: bamboo chopsticks), or
    for the lines given as `goods=[...]`; totals follow the lines."""
    lines = overrides.pop("goods", None) or [dict(GOODS[name]) for name in (goods or ("chopsticks",))]
    data = {
        "applicant_code": enterprise.customs_code,
        "applicant_name": enterprise.name_zh,
        "consignor_code": enterprise.customs_code,
        "consignor_name_zh": enterprise.name_zh,
        "consignor_name_en": enterprise.name_en,
        "consignee_name_en": "Tokyo Kitchenware K.K.",
        "consignee_address": "1-2-3 Shibaura, Minato-ku, Tokyo",
        "trade_mode": "0110",
        "trade_country": "JPN",
        "destination_country": "JPN",
        "departure_port": "CNYTN",
        "arrival_port": "JPTYO",
        "transport_mode": "2",
        "transport_name": "COSCO SHIPPING ARIES",
        "contract_no": "ZY-2026-0815",
        "shipping_date": (date.today() + timedelta(days=10)).isoformat(),
        "storage_place": "深圳市龙岗区坂田街道雪岗路 88 号 1 号仓",
        "marks": "N/M",
        "total_packages": sum(line["packing_count"] for line in lines),
        "package_kind": "CTN",
        "total_net_weight": f"{sum(float(line['net_weight']) for line in lines):.3f}",
        "total_gross_weight": f"{sum(float(line['net_weight']) for line in lines) * 1.1:.3f}",
        "goods": lines,
        "containers": [{"size_type": "40HC", "count": 1, "numbers": ["CSNU6184321"]}],
        "qualifications": qualifications or [],
        "certificates": [{"cert_code": "18", "originals": 1, "copies": 2}],
    }
    data.update(overrides)
    return data


def registered_body(factories, enterprise, *goods: str, **overrides) -> dict:
    """body() with the qualifications its goods need, registered for the enterprise."""
    from datetime import date

    from backend.catalogs.service import required_qualifications

    needed = []
    for name in goods or ("chopsticks",):
        for type_code in required_qualifications(GOODS[name]["hs_code"], on=date.today()):
            if type_code not in [q["type_code"] for q in needed]:
                q = factories.qualification(enterprise, type_code, holder_name=enterprise.name_zh)
                needed.append({"type_code": type_code, "number": q.number, "holder_name": enterprise.name_zh})
    return body(enterprise, *goods, qualifications=needed, **overrides)
