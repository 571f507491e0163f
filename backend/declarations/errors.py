"""Error codes of the declaration module (the workflow registers its own two)."""

from backend.errors import register_errors

register_errors(
    {
        "declaration.party_not_authorised": (
            403,
            "申请单位或发货人须为本企业，或已授权本企业代理报检（授权在有效期内且未撤销）的企业。",
            "The applicant and consignor must be your own enterprise, or one whose live authorisation "
            "lets your enterprise declare in its name.",
        ),
        "declaration.invalid": (
            422,
            "申请未通过校验，请按提示修改后再提交。",
            "The application did not pass validation; fix the findings and submit again.",
        ),
        "declaration.not_editable": (
            409,
            "当前状态（{status}）的申请不能修改，只有暂存或退回的申请可以修改。",
            "An application in state {status} cannot be changed; only drafts and returned ones can.",
        ),
        "declaration.not_deletable": (
            409,
            "只有暂存的申请可以删除。",
            "Only draft applications can be deleted.",
        ),
        "declaration.version_required": (
            428,
            "请在请求体 version 或 If-Match 头中给出所依据的版本号。",
            "Give the version you based the change on, in the body's version or an If-Match header.",
        ),
        "declaration.lookup_criteria": (
            422,
            "请给出检验检疫编号或电子底账数据号之一。",
            "Give exactly one of inspection_no or e_record_no.",
        ),
        "declaration.attachment_too_large": (
            413,
            "附件超过大小限制（最大 {limit_mb} MB）。",
            "The attachment is larger than the limit ({limit_mb} MB).",
        ),
        "declaration.attachment_type": (
            415,
            "附件只能是 PDF、JPEG 或 PNG 文件（按文件内容识别）。",
            "Attachments must be PDF, JPEG or PNG files (recognised by content).",
        ),
        "declaration.attachment_empty": (422, "附件为空。", "The attachment is empty."),
        "intake.enterprise_unknown": (
            422,
            "海关编码 {customs_code} 对应的企业不存在。",
            "No enterprise has customs code {customs_code}.",
        ),
        "intake.application_unknown": (
            404,
            "该企业没有检验检疫编号为 {inspection_no} 的申请。",
            "The enterprise has no application with inspection number {inspection_no}.",
        ),
        "intake.message_conflict": (
            409,
            "报文编号 {message_id} 已用于内容不同的报文。",
            "Message id {message_id} was already used for a different message.",
        ),
    }
)
