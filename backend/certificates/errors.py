"""Error codes of the certificates domain."""

from backend.errors import register_errors

register_errors(
    {
        "certificate.unknown_type": (422, "证书种类不存在。", "Unknown certificate type."),
        "certificate.invalid_content": (
            422,
            "证书内容有误，请按字段提示修改。",
            "The certificate content has invalid fields.",
        ),
        "certificate.key_retired": (
            409,
            "该签名密钥已停用，只能用于验证，不能再签发证书。",
            "This signing key is retired: it verifies old certificates but signs nothing new.",
        ),
        "certificate.no_signing_key": (
            409,
            "该关区没有可用的签名密钥。",
            "The customs district has no active signing key.",
        ),
        "certificate.unknown_district": (422, "关区代码不存在。", "Unknown customs district code."),
        "certificate.invalid_payload": (
            422,
            "二维码内容无法识别。",
            "The QR payload is not a Chajian certificate payload.",
        ),
        "certificate.not_phytosanitary": (
            409,
            "只有植物检疫证书可以导出为 ePhyto 电子证书。",
            "Only phytosanitary certificates (type 18) export as ePhyto.",
        ),
        "certificate.not_found": (404, "证书不存在。", "No such certificate."),
        "certificate.not_valid": (
            409,
            "证书已被替换或撤销，不能再打印正本。",
            "The certificate was replaced or withdrawn; no original can be printed.",
        ),
        "certificate.invalid_transition": (
            409,
            "证书当前状态不允许此操作。",
            "The certificate's status does not allow this.",
        ),
    }
)

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

register_errors(
    {
        "certificate_print.use_print": (
            409,
            "该证书的正本须在空白证书上打印（自助打印或现场缮制），请使用打印功能。",
            "Originals of this certificate are printed on blank paper: use the print function.",
        ),
    }
)
