"""What an inspector may record: item results, conclusions, dispositions and the fields each needs."""

ITEM_RESULTS: dict[str, tuple[str, str]] = {
    "conforms": ("符合", "Conforms"),
    "does_not_conform": ("不符合", "Does not conform"),
    "not_applicable": ("不适用", "Not applicable"),
}

CONCLUSIONS: dict[str, tuple[str, str]] = {"pass": ("合格", "Pass"), "fail": ("不合格", "Fail")}

# kind: (中文, English, required fields)
DISPOSITIONS: dict[str, tuple[str, str, list[str]]] = {
    "release": ("放行", "Release", []),
    "treatment": (
        "除害处理后重新查检",
        "Treatment, then re-inspection",
        ["method", "chemical", "dosage", "duration_hours", "provider"],
    ),
    "return": ("退货", "Return to the enterprise", ["reason", "supervised_by"]),
    "destroy": ("销毁", "Destroy", ["reason", "supervised_by"]),
    "no_export": ("不准出口", "No export", ["reason"]),
}

# Optional fields a disposition may also carry.
DISPOSITION_OPTIONAL = ["notes", "treatment_certificate_no"]

SAMPLE_UNITS: dict[str, tuple[str, str]] = {
    "kg": ("千克", "kilogram"),
    "g": ("克", "gram"),
    "l": ("升", "litre"),
    "ml": ("毫升", "millilitre"),
    "pcs": ("件", "pieces"),
    "box": ("盒", "boxes"),
}
