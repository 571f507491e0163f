"""Reference data the application is checked against: countries, ports, units, CIQ codes, certificates,
and which goods need which enterprise qualification.

Kept as data, not logic, so an administrator's catalog table can replace any of them later without
touching validation.py.
"""

from __future__ import annotations

# ISO 3166-1 alpha-3 (Debian iso-codes 3166-1, 249 entries).
COUNTRIES = frozenset(
    """
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR
BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL
COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK
FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV
HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO
LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG
MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN
PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE
SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO
TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
""".split()
)

# UN/LOCODE of the ports an export application names most often: (中文, English).
PORTS: dict[str, tuple[str, str]] = {
    "CNSZX": ("深圳", "Shenzhen"),
    "CNYTN": ("盐田", "Yantian"),
    "CNSHK": ("蛇口", "Shekou"),
    "CNCWN": ("赤湾", "Chiwan"),
    "CNDCB": ("大铲湾", "Dachan Bay"),
    "CNHUA": ("皇岗", "Huanggang"),
    "CNLUH": ("罗湖", "Luohu"),
    "CNWJD": ("文锦渡", "Wenjindu"),
    "CNCAN": ("广州", "Guangzhou"),
    "CNNSA": ("南沙", "Nansha"),
    "CNHUP": ("黄埔", "Huangpu"),
    "CNSHA": ("上海", "Shanghai"),
    "CNNGB": ("宁波", "Ningbo"),
    "CNTAO": ("青岛", "Qingdao"),
    "CNTXG": ("天津新港", "Tianjin Xingang"),
    "CNXMN": ("厦门", "Xiamen"),
    "CNDLC": ("大连", "Dalian"),
    "HKHKG": ("香港", "Hong Kong"),
    "MOMFM": ("澳门", "Macau"),
    "JPTYO": ("东京", "Tokyo"),
    "JPYOK": ("横滨", "Yokohama"),
    "JPOSA": ("大阪", "Osaka"),
    "JPUKB": ("神户", "Kobe"),
    "KRPUS": ("釜山", "Busan"),
    "KRINC": ("仁川", "Incheon"),
    "SGSIN": ("新加坡", "Singapore"),
    "MYPKG": ("巴生", "Port Klang"),
    "THBKK": ("曼谷", "Bangkok"),
    "VNSGN": ("胡志明", "Ho Chi Minh City"),
    "USLAX": ("洛杉矶", "Los Angeles"),
    "USLGB": ("长滩", "Long Beach"),
    "USNYC": ("纽约", "New York"),
    "USSEA": ("西雅图", "Seattle"),
    "CAVAN": ("温哥华", "Vancouver"),
    "DEHAM": ("汉堡", "Hamburg"),
    "NLRTM": ("鹿特丹", "Rotterdam"),
    "BEANR": ("安特卫普", "Antwerp"),
    "GBFXT": ("费利克斯托", "Felixstowe"),
    "FRLEH": ("勒阿弗尔", "Le Havre"),
    "ITGOA": ("热那亚", "Genoa"),
    "ESVLC": ("瓦伦西亚", "Valencia"),
    "AEJEA": ("杰贝阿里", "Jebel Ali"),
    "AUSYD": ("悉尼", "Sydney"),
    "AUMEL": ("墨尔本", "Melbourne"),
    "NZAKL": ("奥克兰", "Auckland"),
    "BRSSZ": ("桑托斯", "Santos"),
    "RUVVO": ("符拉迪沃斯托克", "Vladivostok"),
}

# China customs units of measure (海关计量单位代码), the ones export goods are declared in.
UNITS: dict[str, tuple[str, str]] = {
    "001": ("台", "set (machine)"),
    "002": ("座", "seat"),
    "003": ("辆", "vehicle"),
    "004": ("艘", "vessel"),
    "005": ("架", "aircraft"),
    "006": ("套", "set"),
    "007": ("个", "unit"),
    "008": ("只", "piece (animal/item)"),
    "009": ("头", "head"),
    "010": ("张", "sheet"),
    "011": ("件", "piece"),
    "012": ("支", "stick"),
    "014": ("根", "rod"),
    "015": ("条", "strip"),
    "016": ("把", "handful"),
    "017": ("块", "block"),
    "018": ("卷", "roll"),
    "019": ("副", "pair (set)"),
    "020": ("片", "slice"),
    "021": ("组", "group"),
    "022": ("份", "portion"),
    "025": ("双", "pair"),
    "026": ("对", "couple"),
    "027": ("棵", "tree"),
    "028": ("株", "plant"),
    "030": ("米", "metre"),
    "032": ("平方米", "square metre"),
    "033": ("立方米", "cubic metre"),
    "035": ("千克", "kilogram"),
    "036": ("克", "gram"),
    "070": ("吨", "tonne"),
    "095": ("升", "litre"),
    "096": ("毫升", "millilitre"),
    "120": ("箱", "case"),
    "122": ("罐", "can"),
    "123": ("桶", "barrel"),
    "125": ("包", "bale"),
    "136": ("袋", "bag"),
    "140": ("盒", "box"),
    "142": ("瓶", "bottle"),
}

# CIQ codes (检验检疫编码): the 10-digit HS code plus a 3-digit CIQ suffix; name (中文).
CIQ_CODES: dict[str, str] = {
    "4419121000999": "竹筷",
    "4419190000999": "其他竹制餐具及厨房用具",
    "4421911000999": "竹制牙签",
    "4602119000999": "竹编篮筐",
    "0409000000999": "天然蜂蜜",
    "0902109000999": "绿茶（未发酵，每件净重≤3千克）",
    "0902309000999": "红茶（发酵，每件净重≤3千克）",
    "0303550000999": "冻竹荚鱼",
    "0303890000999": "其他冻鱼",
    "0304870000999": "冻金枪鱼鱼片",
    "7304192000999": "无缝钢管（管线管）",
    "7306309000999": "焊缝钢管",
    "0805100000999": "鲜橙",
    "2309901000999": "配合饲料",
}

# 所需单证: certificate code -> (中文, English).
CERTIFICATES: dict[str, tuple[str, str]] = {
    "11": ("品质证书", "Quality certificate"),
    "12": ("重量证书", "Weight certificate"),
    "13": ("数量证书", "Quantity certificate"),
    "14": ("兽医卫生证书", "Veterinary health certificate"),
    "15": ("健康证书", "Health certificate"),
    "16": ("卫生证书", "Sanitary certificate"),
    "17": ("动物卫生证书", "Animal health certificate"),
    "18": ("植物检疫证书", "Phytosanitary certificate"),
    "19": ("熏蒸/消毒证书", "Fumigation/disinfection certificate"),
    "99": ("其他证书", "Other (generic) certificate"),
}

ATTACHMENT_KINDS: dict[str, tuple[str, str]] = {
    "contract": ("合同", "Contract"),
    "invoice": ("发票", "Invoice"),
    "packing_list": ("装箱单", "Packing list"),
    "lc": ("信用证", "Letter of credit"),
    "bill_of_lading": ("提单", "Bill of lading"),
    "other": ("其他", "Other"),
}

# Which goods need which qualification: HS-code prefix -> qualification type codes
# (backend/identity/catalogs.py). The longest matching prefix decides; an empty tuple means none.
QUALIFICATION_RULES: dict[str, tuple[str, ...]] = {
    "44": ("BWG_PRODUCER",),  # wood and articles of wood, incl. bamboo chopsticks 4419 and 4421
    "46": ("BWG_PRODUCER",),  # manufactures of straw, bamboo and other plaiting materials
    "1401": ("BWG_PRODUCER",),  # bamboo, rattan and other plaiting materials
    "9403": ("BWG_PRODUCER",),  # furniture (wooden and bamboo furniture)
    "02": ("FOOD_PRODUCER",),
    "04": ("FOOD_PRODUCER",),
    "0409": ("HONEY_PRODUCER",),
    "03": ("AQUATIC_PRODUCER",),
    "1604": ("AQUATIC_PRODUCER",),
    "1605": ("AQUATIC_PRODUCER",),
    "0902": ("FOOD_PRODUCER",),
    "16": ("FOOD_PRODUCER",),
    "17": ("FOOD_PRODUCER",),
    "19": ("FOOD_PRODUCER",),
    "20": ("FOOD_PRODUCER",),
    "21": ("FOOD_PRODUCER",),
    "0805": ("FRUIT_ORCHARD", "FRUIT_PACKING"),
    "0806": ("FRUIT_ORCHARD", "FRUIT_PACKING"),
    "0808": ("FRUIT_ORCHARD", "FRUIT_PACKING"),
    "2309": ("FEED_PRODUCER",),
    "7304": (),  # steel tubes and pipes: no registration
    "7306": (),
}


def required_qualifications(hs_code: str | None) -> tuple[str, ...]:
    """The qualification types goods of this HS code need (longest prefix wins)."""
    if not hs_code:
        return ()
    for length in range(len(hs_code), 1, -1):
        rule = QUALIFICATION_RULES.get(hs_code[:length])
        if rule is not None:
            return rule
    return ()
