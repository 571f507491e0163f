"""Who may be named as applicant and consignor: the declaring enterprise itself, or a principal that
has authorised it as agent (代理报检) for `declare`, live today.

Checked when an application is saved and again when it is submitted (an authorisation revoked or
expired in between refuses the submission). A code that is not a well-formed customs code is left to
validation, which reports it as a finding.
"""

from __future__ import annotations

from backend.declarations import errors  # noqa: F401  (registers the codes)
from backend.declarations.validation import CUSTOMS_CODE
from backend.errors import DomainError
from backend.extensions import db
from backend.identity.agency import live_principals
from backend.identity.models import Enterprise

PARTY_FIELDS = (("applicant_code", "申请单位"), ("consignor_code", "发货人"))


def authorised_principal(
    data: dict, *, declaring_enterprise_id: int, declarer_code: str | None = None
) -> int | None:
    """The principal enterprise named in `data` (None when only the declarer itself is named), or raise
    declaration.party_not_authorised (403) naming each field whose enterprise gave no live authorisation.

    `declarer_code`: the declaring enterprise's customs code when the caller already knows it (the
    actor's own enterprise, read with the token), so the usual case reads nothing."""
    if declarer_code is None:
        declarer_code = db.session.get(Enterprise, declaring_enterprise_id).customs_code
    principals = None
    problems: dict[str, list[str]] = {}
    named: list[int] = []
    for field, label in PARTY_FIELDS:
        code = data.get(field)
        if not code or not CUSTOMS_CODE.match(code) or code == declarer_code:
            continue
        if principals is None:
            principals = live_principals(agent_enterprise_id=declaring_enterprise_id, scope="declare")
        if code in principals:
            named.append(principals[code].id)
        else:
            problems[field] = [
                f"{label}“{code}”未授权本企业（{declarer_code}）代理报检，或授权已撤销、已过期 / "
                f"{code} has not authorised {declarer_code} to declare in its name "
                "(or the authorisation was revoked or has expired)"
            ]
    if problems:
        raise DomainError("declaration.party_not_authorised", errors=problems)
    return named[0] if named else None
