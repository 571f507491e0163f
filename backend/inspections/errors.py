"""Error codes of on-site inspection (现场检验检疫与处置)."""

from backend.errors import register_errors

register_errors(
    {
        "inspection.version_conflict": (
            409,
            "该记录已被他人修改（其他设备或海关人员），请核对后重新提交。",
            "Someone else (another device or an officer) changed this record; compare and submit again.",
        ),
        "inspection.not_open": (
            409,
            "现场查检尚未开始或已结束。",
            "The on-site inspection has not started or is already finished.",
        ),
        "inspection.incomplete": (
            409,
            "尚不能完成查检：{missing}",
            "The inspection cannot be completed yet: {missing}",
        ),
        "inspection.disposition_mismatch": (
            409,
            "查检合格时处置只能为放行。",
            "A passed inspection can only be released.",
        ),
        "inspection.sample_exists": (409, "该样品已登记。", "This sample is already recorded."),
        "inspection.photo_already_attached": (409, "该照片已关联。", "This photo is already attached."),
        "inspection.photo_not_found": (404, "照片不存在。", "No such photo."),
        "inspection.photo_already_declared": (
            409,
            "该照片编号已登记为另一张照片。",
            "This photo id was already declared for a different photo.",
        ),
        "inspection.invalid_body": (
            422,
            "记录内容有误，请按字段提示修改。",
            "The record has invalid fields.",
        ),
        "inspection.not_reinspectable": (
            409,
            "只有处置为除害处理且申请为不合格状态时才能安排重新查检。",
            "Only a failed inspection disposed of by treatment can be re-inspected.",
        ),
    }
)
