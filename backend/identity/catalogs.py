"""Reference data every installation needs: customs districts and qualification types."""

from backend.extensions import db
from backend.identity.models import District, QualificationType

# (code, 中文, English, parent)
# 海关总署 (0000) is the national level: its users read everything and act on nothing; the 直属海关
# sit under it and their 隶属海关 under them.
DISTRICTS = [
    ("0000", "海关总署", "General Administration of Customs", None),
    ("5300", "深圳海关", "Shenzhen Customs", "0000"),
    ("5301", "皇岗海关", "Huanggang Customs", "5300"),
    ("5302", "罗湖海关", "Luohu Customs", "5300"),
    ("5320", "文锦渡海关", "Wenjindu Customs", "5300"),
    ("5100", "广州海关", "Guangzhou Customs", "0000"),
    ("5200", "黄埔海关", "Huangpu Customs", "0000"),
    ("2200", "上海海关", "Shanghai Customs", "0000"),
]

QUALIFICATION_TYPES = [
    (
        "BWG_PRODUCER",
        "出境竹木草制品生产企业注册登记",
        "Registration of producers of bamboo, wood and grass products for export",
    ),
    ("FOOD_PRODUCER", "出口食品生产企业备案", "Filing of export food producers"),
    ("AQUATIC_PRODUCER", "出口水产品生产企业注册", "Registration of export aquatic product producers"),
    ("HONEY_PRODUCER", "出口蜂产品生产企业备案", "Filing of export bee product producers"),
    ("TEA_PLANTATION", "出口茶叶种植基地备案", "Filing of tea plantations for export"),
    ("FRUIT_ORCHARD", "出境水果果园注册登记", "Registration of orchards for fruit export"),
    ("FRUIT_PACKING", "出境水果包装厂注册登记", "Registration of fruit packing houses for export"),
    ("FEED_PRODUCER", "出口饲料生产企业登记", "Registration of export feed producers"),
    (
        "ANIMAL_BYPRODUCT",
        "出境非食用动物产品生产加工企业注册登记",
        "Registration of inedible animal product processors for export",
    ),
    (
        "FUMIGATION_UNIT",
        "出境货物木质包装除害处理标识加施企业",
        "Wood packaging treatment (IPPC mark) enterprise",
    ),
]


def seed_catalogs() -> None:
    """Insert missing reference rows (idempotent); the caller commits."""
    for code, zh, en, parent in DISTRICTS:
        district = db.session.get(District, code)
        if district is None:
            db.session.add(District(code=code, name_zh=zh, name_en=en, parent_code=parent))
            db.session.flush()
        elif district.parent_code is None and parent is not None:
            district.parent_code = parent  # older installations: hang the 直属海关 under 海关总署
    for code, zh, en in QUALIFICATION_TYPES:
        if db.session.get(QualificationType, code) is None:
            db.session.add(QualificationType(code=code, name_zh=zh, name_en=en))
