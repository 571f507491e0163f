"""Error codes of appointments."""

from backend.errors import register_errors

register_errors(
    {
        "appointment.invalid_transition": (
            409,
            "预约当前状态（{status}）不允许此操作（{event}）。",
            "This action ({event}) is not allowed on an appointment in state {status}.",
        ),
        "appointment.version_conflict": (
            409,
            "预约已被对方修改，请刷新后重试。",
            "The appointment was changed by the other side; reload it.",
        ),
        "appointment.declaration_not_bookable": (
            409,
            "申请状态为 {status}，不能预约查检（须为报检成功或查检通知）。",
            "An application in state {status} cannot be booked (only accepted or inspection notice).",
        ),
        "appointment.already_open": (
            409,
            "该申请已有未结束的预约。",
            "The application already has an open appointment.",
        ),
        "appointment.inspector_busy": (
            409,
            "该查检人员在此时段已有预约。",
            "The inspector is already booked for that slot.",
        ),
        "appointment.invalid_inspector": (
            422,
            "请选择本关区的查检人员。",
            "Choose an active inspector of this customs district.",
        ),
        "appointment.date_in_past": (422, "预约日期不能早于今天。", "The date cannot be in the past."),
    }
)
