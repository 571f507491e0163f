"""Sample certificate content for tests: one realistic certificate per type."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from backend.certificates.content import CertificateContent, GoodsLine, Party

CONSIGNOR_ZH = "深圳市绿源果蔬进出口有限公司"

TYPE_FIELDS = {
    "11": {"inspection_result": "经检验，该批货物品质符合合同要求。", "inspection_standard": "GB/T 8855"},
    "12": {"declared_net_weight": "20000", "found_net_weight": "19985.5", "weight_unit": "KGM"},
    "13": {"declared_quantity": "1600", "found_quantity": "1600", "quantity_unit": "CT"},
    "14": {"establishment": "某肉类加工厂 4400/02001", "veterinary_result": "来自非疫区的健康动物。"},
    "15": {"health_result": "经检验，符合卫生要求，适合人类食用。"},
    "16": {"sanitary_result": "经检验，符合卫生要求。"},
    "17": {"animal_species": "观赏鱼 Ornamental fish", "number_of_animals": "500",
           "clinical_examination": "临床检查健康。"},
    "18": {
        "botanical_name": "Litchi chinensis Sonn.",
        "place_of_origin": "广东省增城区 Zengcheng, Guangdong",
        "treatment": "冷处理 Cold treatment",
        "treatment_date": "2026-06-10",
        "chemical": "—",
        "duration_and_temperature": "1.1°C 15 天 / 15 days at 1.1°C",
        "additional_declaration": "The consignment is free from Bactrocera dorsalis.",
    },
    "19": {"treatment_date": "2026-06-09", "chemical": "溴甲烷 Methyl bromide", "concentration": "48 g/m3",
           "duration": "24 h", "temperature": "21°C", "treatment_place": "深圳盐田港"},
    "99": {"attestation": "上述货物已经检验。 The goods above have been inspected."},
}


def sample_content(type_code: str = "18", *, district_code: str = "5300", **overrides) -> CertificateContent:
    values = dict(
        certificate_no="",
        type_code=type_code,
        district_code=district_code,
        district_name_zh="深圳海关",
        district_name_en="Shenzhen Customs",
        issue_date=date(2026, 6, 12),
        issue_place_zh="深圳",
        issue_place_en="Shenzhen",
        consignor=Party(
            name_zh=CONSIGNOR_ZH, name_en="Shenzhen Lvyuan Fruit & Vegetable I/E Co., Ltd.",
            address_en="No. 8 Yantian Road, Shenzhen, China", customs_code="4403960123", country_code="CN",
        ),
        consignee=Party(name_en="Fresh Asia Trading Pte. Ltd.", address_en="12 Pasir Panjang Rd, Singapore",
                        country_code="SG"),
        goods=(
            GoodsLine(
                description_zh="鲜荔枝", description_en="Fresh litchi", hs_code="0810901000",
                quantity=Decimal("1600"), quantity_unit="CT", net_weight=Decimal("8000.50"),
                packages=1600, package_kind="CT", package_kind_zh="纸箱", origin_place="广东增城",
                scientific_name="Litchi chinensis",
            ),
        ),
        fields=dict(TYPE_FIELDS[type_code]),
        destination_country_code="SG",
        destination_country_zh="新加坡",
        destination_country_en="Singapore",
        port_of_departure="盐田 Yantian, China",
        port_of_destination="Singapore",
        means_of_conveyance="BY SEA / COSCO PRIDE V.026E",
        transport_mode="1",
        marks="N/M",
        inspection_no="226N53000013904",
        signatory="王检 WANG Jian",
    )
    values.update(overrides)
    return CertificateContent(**values)
