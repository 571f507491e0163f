"""Error codes of the sync protocol (docs/sync.md)."""

from backend.errors import register_errors

register_errors(
    {
        "sync.op_id_reused": (
            409,
            "该操作编号已用于内容不同的另一操作，未执行。",
            "This operation id was already used for a different operation; not applied.",
        ),
        "sync.blocked_by_earlier": (
            409,
            "同一指令的前一操作未成功，此操作未执行，请处理后重新发送。",
            "An earlier operation of the same instruction was not applied; resolve it and send this again.",
        ),
    }
)
