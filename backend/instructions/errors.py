"""Error codes of instructions (指令管理)."""

from backend.errors import register_errors

register_errors(
    {
        "instruction.invalid_transition": (
            409,
            "指令当前状态（{status}）不允许此操作（{event}）。",
            "This action ({event}) is not allowed on an instruction in state {status}.",
        ),
        "instruction.version_conflict": (
            409,
            "指令已被他人修改，请刷新后重试。",
            "The instruction was changed by someone else; reload it.",
        ),
        "instruction.declaration_not_in_notice": (
            409,
            "只有报检成功、单证审核中或查检通知状态的申请才能下达指令。",
            "Instructions are issued only for applications accepted, under review or in inspection_notice.",
        ),
        "instruction.inspector_invalid": (
            422,
            "只能指派给本关区的在岗查检人员。",
            "Assign only to an active inspector of the same district.",
        ),
        "instruction.lease_held": (
            409,
            "该指令正在另一台设备上作业，请先在本机确认接管。",
            "Another device holds this instruction; confirm a take-over on this device first.",
        ),
        "instruction.lease_not_held": (
            409,
            "本设备未持有该指令的作业权。",
            "This device does not hold the instruction's lease.",
        ),
        "instruction.not_assigned_to_you": (
            409,
            "该指令未指派给您。",
            "This instruction is not assigned to you.",
        ),
    }
)

register_errors(
    {
        "instruction.unknown_item": (422, "未知的查检要求：{code}", "Unknown inspection item: {code}"),
        "instruction.already_open": (
            409,
            "该申请已有未完成的查检指令。",
            "The application already has an open instruction.",
        ),
    }
)
