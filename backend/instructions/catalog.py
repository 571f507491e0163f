"""Inspection items (查检要求) a risk rule or an officer can require, with the evidence each needs."""

# code: (中文, English, evidence)
INSPECTION_ITEMS: dict[str, tuple[str, str, list[str]]] = {
    "verify_goods": ("核对货证：货物品名、规格、数量与申报一致", "Verify goods against documents", ["photo"]),
    "packaging": (
        "检查包装及包装材料（含木质包装 IPPC 标识）",
        "Check packaging (incl. IPPC wood mark)",
        ["photo"],
    ),
    "labels": ("检查标签、唛头", "Check labels and shipping marks", ["photo"]),
    "quantity_weight": ("核查数重量", "Check quantity and weight", ["measurement"]),
    "sampling": ("取样送检", "Take samples for laboratory testing", ["sample", "photo"]),
    "treatment_supervision": (
        "监督除害处理（熏蒸/消毒）",
        "Supervise treatment (fumigation/disinfection)",
        ["photo"],
    ),
    "sensory": (
        "感官检验（色泽、气味、异物）",
        "Sensory inspection (colour, odour, foreign matter)",
        ["photo"],
    ),
    "cold_chain": ("核查冷链温度", "Check cold-chain temperature", ["measurement", "photo"]),
}

# What an officer's instruction asks for by default (the desk pre-ticks these, the officer may change them):
# every consignment, then what its goods categories (backend/declarations/catalog_validity.py) add.
BASE_ITEMS: tuple[str, ...] = ("verify_goods", "packaging", "labels", "quantity_weight")
ITEMS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "plant": ("sampling", "treatment_supervision"),
    "fresh_live": ("sensory", "cold_chain"),
}
