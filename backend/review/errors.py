"""Error codes of document review and risk rules."""

from backend.errors import register_errors

register_errors(
    {
        "review.invalid_cursor": (422, "分页游标无效。", "The page cursor is invalid."),
        "risk_rule.unknown_item": (422, "未知的查检要求：{codes}", "Unknown inspection items: {codes}"),
        "risk_rule.invalid_period": (
            422,
            "有效期截止时间必须晚于起始时间。",
            "valid_until must be later than valid_from.",
        ),
        "risk_rule.unknown_category": (422, "未知的货物类别：{codes}", "Unknown goods categories: {codes}"),
        "risk_rule.unparsable": (
            422,
            "规则条件无法解析（第 {position} 个字符）：{reason}",
            "The rule's conditions do not parse (at character {position}): {reason}",
        ),
        "risk_rule.version_conflict": (
            409,
            "布控规则已被他人修改，请刷新后重试。",
            "The rule was changed by someone else; reload and try again.",
        ),
    }
)
