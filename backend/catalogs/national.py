"""The hand-typed code tables Chajian shipped before catalogues were imported: national extensions.

Seeded as version 1 of their tables with source "national_extension", so an installation works on the
first day; an administrator's import of the official table replaces them as a new version (nothing is
deleted). Kept here as data only.
"""

from __future__ import annotations

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

# The customs district that holds a port (口岸海关: its 4-digit customs port code), for the ports of
# the districts above; the official port table, once imported, says it for every port.
PORT_DISTRICTS: dict[str, str] = {
    "CNSZX": "5300",
    "CNYTN": "5300",
    "CNSHK": "5300",
    "CNCWN": "5300",
    "CNDCB": "5300",
    "CNHUA": "5301",
    "CNLUH": "5302",
    "CNWJD": "5320",
    "CNCAN": "5100",
    "CNNSA": "5100",
    "CNHUP": "5200",
    "CNSHA": "2200",
}


# More Chinese seaports, river ports, airports and land ports (UN/LOCODE), so that an ordinary export
# application does not meet a gap before the official port table is imported.
MORE_PORTS: dict[str, tuple[str, str]] = {
    "CNTSN": ("天津", "Tianjin"),
    "CNNKG": ("南京", "Nanjing"),
    "CNZJG": ("张家港", "Zhangjiagang"),
    "CNNTG": ("南通", "Nantong"),
    "CNTAG": ("太仓", "Taicang"),
    "CNJIA": ("江阴", "Jiangyin"),
    "CNLYG": ("连云港", "Lianyungang"),
    "CNRZH": ("日照", "Rizhao"),
    "CNYNT": ("烟台", "Yantai"),
    "CNWEI": ("威海", "Weihai"),
    "CNQHD": ("秦皇岛", "Qinhuangdao"),
    "CNYIK": ("营口", "Yingkou"),
    "CNDDG": ("丹东", "Dandong"),
    "CNFOC": ("福州", "Fuzhou"),
    "CNQZJ": ("泉州", "Quanzhou"),
    "CNSWA": ("汕头", "Shantou"),
    "CNZHA": ("湛江", "Zhanjiang"),
    "CNZUH": ("珠海", "Zhuhai"),
    "CNJMN": ("江门", "Jiangmen"),
    "CNZSN": ("中山", "Zhongshan"),
    "CNFOS": ("佛山", "Foshan"),
    "CNDGG": ("东莞", "Dongguan"),
    "CNHAK": ("海口", "Haikou"),
    "CNBHY": ("北海", "Beihai"),
    "CNFAN": ("防城港", "Fangchenggang"),
    "CNWUH": ("武汉", "Wuhan"),
    "CNCKG": ("重庆", "Chongqing"),
    "CNWNZ": ("温州", "Wenzhou"),
    "CNZOS": ("舟山", "Zhoushan"),
    "CNJIU": ("九江", "Jiujiang"),
    "CNPEK": ("北京首都机场", "Beijing Capital Airport"),
    "CNPVG": ("上海浦东机场", "Shanghai Pudong Airport"),
    "CNCTU": ("成都", "Chengdu"),
    "CNXIY": ("西安", "Xi'an"),
    "CNKMG": ("昆明", "Kunming"),
    "CNHGH": ("杭州", "Hangzhou"),
    "CNCGO": ("郑州", "Zhengzhou"),
    "CNURC": ("乌鲁木齐", "Urumqi"),
    "CNHRB": ("哈尔滨", "Harbin"),
    "CNNZH": ("满洲里", "Manzhouli"),
    "CNERL": ("二连浩特", "Erenhot"),
    "CNSUF": ("绥芬河", "Suifenhe"),
    "CNPXG": ("凭祥", "Pingxiang"),
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

# Which goods need which qualification: HS-code prefix -> qualification type codes.
# The longest matching prefix decides; an empty tuple means none.
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

# 10-digit national codes of the CIQ codes above: (中文, English, first unit, supervision conditions,
# inspection category). Hand-typed; the official tariff import replaces them.
HS_CODES: dict[str, tuple[str, str, str, str, str]] = {
    "4419121000": ("竹制筷子", "Chopsticks of bamboo", "035", "AB", "P/Q"),
    "4419190000": ("其他竹制餐具及厨房用具", "Other tableware and kitchenware of bamboo", "035", "AB", "P/Q"),
    "4421911000": ("竹制牙签", "Toothpicks of bamboo", "035", "AB", "P/Q"),
    "4602119000": ("其他竹编制品", "Other basketwork of bamboo", "035", "AB", "P/Q"),
    "0409000000": ("天然蜂蜜", "Natural honey", "035", "AB", "R/S"),
    "0902109000": ("其他绿茶（每件净重≤3千克）", "Other green tea, packings <= 3 kg", "035", "AB", "P.R/Q.S"),
    "0902309000": ("其他红茶（每件净重≤3千克）", "Other black tea, packings <= 3 kg", "035", "AB", "P.R/Q.S"),
    "0303550000": ("冻竹荚鱼", "Jack and horse mackerel, frozen", "035", "AB", "P.R/Q.S"),
    "0303890000": ("其他冻鱼", "Other fish, frozen", "035", "AB", "P.R/Q.S"),
    "0304870000": ("冻金枪鱼鱼片", "Tuna fillets, frozen", "035", "AB", "P.R/Q.S"),
    "7304192000": ("无缝钢管（管线管）", "Seamless line pipe of steel", "035", "", ""),
    "7306309000": ("其他焊缝钢管", "Other welded tubes of steel", "035", "", ""),
    "0805100000": ("鲜橙", "Oranges, fresh", "035", "AB", "P.R/Q.S"),
    "2309901000": ("配合饲料", "Compound feed", "035", "AB", "P.R/Q"),
}

# The certificates goods usually need, by HS prefix (longest wins): shown by the HS look-up.
CERTIFICATES_BY_PREFIX: dict[str, tuple[str, ...]] = {
    "44": ("18",),
    "46": ("18",),
    "0409": ("16",),
    "0902": ("18", "16"),
    "03": ("15",),
    "0805": ("18",),
    "2309": ("14",),
}
