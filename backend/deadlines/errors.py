"""Error codes of 时限 (time limits and the working-day calendar)."""

from backend.errors import register_errors

register_errors(
    {
        "deadlines.district_forbidden": (
            403,
            "只能维护本关区的时限；全国默认时限和节假日由总署管理员维护。",
            "You may set your own district's time limits; national defaults and the holiday calendar "
            "belong to the national level's administrators.",
        ),
        "deadlines.unknown_stage": (422, "未知的业务环节：{stage}。", "Unknown stage: {stage}."),
        "deadlines.default_required": (
            409,
            "全国默认时限不能删除，只能修改。",
            "A national default time limit can be changed, not removed.",
        ),
    }
)
