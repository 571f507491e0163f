"""Error codes of certificate applications (证书申请) and agent authorisations."""

from backend.errors import register_errors

register_errors(
    {
        "certificate_application.invalid_transition": (
            409,
            "证书申请当前状态（{status}）不允许此操作（{event}）。",
            "This action ({event}) is not allowed in the application's state ({status}).",
        ),
        "certificate_application.version_conflict": (
            409,
            "证书申请已被修改，请刷新后重试。",
            "The application was changed meanwhile; reload and try again.",
        ),
        "certificate_application.incomplete": (
            409,
            "申请缺少必填项或字段有误（{fields}），不能签发；请退回企业补正。",
            "The application lacks required fields or has invalid ones ({fields}), so it cannot be"
            " issued; return it to the enterprise to complete.",
        ),
        "certificate_application.e_record_not_normal": (
            409,
            "电子底账不是正常状态，不能申请证书。",
            "The e-record is not normal; no certificate can be applied for.",
        ),
        "certificate_application.type_not_requested": (
            422,
            "申报时未勾选该证书种类。",
            "The declaration did not ask for this certificate type.",
        ),
        "certificate_application.unknown_attachment": (
            422,
            "附件不存在或不属于本企业。",
            "An attachment does not exist or is not your enterprise's.",
        ),
        "certificate_application.empty_attachment": (422, "附件为空。", "The attachment is empty."),
        "agent_authorisation.invalid": (
            422,
            "代理授权有误，请按字段提示修改。",
            "The agent authorisation has invalid fields.",
        ),
    }
)
