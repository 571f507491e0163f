"""Error codes of the issued certificate (and `certificate_print.use_print`, which documents.py raises)."""

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
        "certificate_print.use_print": (
            409,
            "该证书的正本须在空白证书上打印（自助打印或现场缮制），请使用打印功能。",
            "Originals of this certificate are printed on blank paper: use the print function.",
        ),
    }
)
