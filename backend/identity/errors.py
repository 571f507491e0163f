"""Error codes of identity: administration, security keys and key login."""

from backend.errors import register_errors

register_errors(
    {
        "identity.district_forbidden": (
            403,
            "管理员只能管理本关区的企业和用户。",
            "Administrators manage only the enterprises and users of their own customs district.",
        ),
        "identity.scope_invalid": (
            422,
            "用户范围不正确：企业用户须属于企业，海关及系统用户须属于关区。",
            "Wrong scope: enterprise users need an enterprise, customs and system users a district.",
        ),
        "identity.username_taken": (409, "用户名已被使用。", "This user name is already taken."),
        "identity.enterprise_exists": (
            409,
            "该海关十位编码的企业已存在。",
            "An enterprise with this customs code already exists.",
        ),
        "identity.qualification_exists": (
            409,
            "该类型和编号的资质已登记。",
            "A qualification of this type and number is already registered.",
        ),
        "identity.self_change_refused": (
            409,
            "不能停用自己或在管理功能中修改自己的密码。",
            "You cannot deactivate yourself or set your own password through administration.",
        ),
        "identity.password_weak": (
            422,
            "密码不符合要求：至少 10 个字符，不是常见密码，不含用户名，不只由数字或同一种字母组成。",
            "The password is too weak: at least 10 characters, not a common password, not containing "
            "the user name, not only digits or one kind of letter.",
        ),
        "identity.current_password_wrong": (
            422,
            "当前密码不正确。",
            "The current password is wrong.",
        ),
        "identity.client_key_for_person": (
            409,
            "客户端密钥只能登记给系统客户端账户（单一窗口、通关系统）；人员须自行注册安全密钥。",
            "Client keys belong to system-client accounts only (Single Window, clearance); a person "
            "enrols their own security key.",
        ),
        "agency.agent_unknown": (
            422,
            "代理企业的海关十位编码未登记。",
            "No enterprise is registered under the agent's customs code.",
        ),
        "agency.self": (
            422,
            "不能授权本企业为自己的代理。",
            "An enterprise cannot authorise itself as agent.",
        ),
        "agency.invalid_period": (
            422,
            "授权期限不正确：截止日期不得早于起始日期或今天，期限不超过三年。",
            "Invalid period: valid_to must not precede valid_from or today, and at most three years.",
        ),
        "agency.already_revoked": (409, "该授权已撤销。", "This authorisation is already revoked."),
        "identity.key_exists": (409, "该密钥已登记。", "This key is already registered."),
        "identity.key_not_found": (404, "密钥不存在或无权查看。", "No such key, or not yours to see."),
        "identity.audience_invalid": (
            422,
            "audience 必须是本系统的地址（PUBLIC_BASE_URL）。",
            "The audience must be this server's address (PUBLIC_BASE_URL).",
        ),
        "identity.public_key_invalid": (
            422,
            "公钥格式错误：须为 Ed25519 公钥（PEM 或 32 字节的 base64url）。",
            "Invalid public key: give an Ed25519 key as PEM or 32 bytes in base64url.",
        ),
        "identity.webauthn_malformed": (
            422,
            "安全密钥的应答格式错误。",
            "The security key response is malformed.",
        ),
    }
)
