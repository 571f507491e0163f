"""Error codes of blank paper stock (空白证书), printing originals and reprint requests."""

from backend.errors import register_errors

register_errors(
    {
        "blank_stock.invalid_transition": (
            409,
            "空白证书申请当前状态不允许此操作。",
            "The blank-paper request's status does not allow this.",
        ),
        "blank_stock.sheet_unavailable": (
            409,
            "该空白证书流水号不在本单位已领用的可用库存中，或已被使用。",
            "This blank serial is not in your received, unused stock (or was used already).",
        ),
        "blank_stock.exhausted": (409, "空白证书流水号已用尽。", "Blank serial numbers are exhausted."),
        "certificate_print.not_self_print": (
            409,
            "该证书选择现场缮制，企业不能自助打印正本。",
            "This certificate is delivered at the counter; the enterprise cannot print its original.",
        ),
        "certificate_print.reprint_required": (
            409,
            "正本已打印，重新打印需提交理由并经海关批准。",
            "The original was printed; printing it again needs an approved reprint request.",
        ),
        "certificate_print.invalid_transition": (
            409,
            "重打申请当前状态不允许此操作。",
            "The reprint request's status does not allow this.",
        ),
    }
)
