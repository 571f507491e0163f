"""Error codes of amend / replace / withdraw requests (改证 / 重发 / 撤证)."""

from backend.errors import register_errors

register_errors(
    {
        "certificate_amendment.invalid_transition": (
            409,
            "改证/重发/撤证申请当前状态不允许此操作。",
            "The amend/replace/withdraw request's status does not allow this.",
        ),
        "certificate_amendment.pending": (
            409,
            "该证书已有未办结的改证/重发/撤证申请。",
            "This certificate already has an open amend/replace/withdraw request.",
        ),
        "certificate_amendment.contradicts_declaration": (
            409,
            "修改后的证书内容与申报不符。",
            "The amended certificate would contradict the declaration.",
        ),
        "certificate_amendment.original_not_received": (
            409,
            "海关尚未确认收回原证书正本。",
            "Customs has not yet confirmed receiving the original certificate back.",
        ),
    }
)
