"""智能审核: the explicit, named rules a certificate application must pass to be issued at once.

Each rule is a plain function of a ReviewContext returning a RuleResult (pass or fail, with the
reason in Chinese and English). `review()` runs them all and returns every outcome, so the officer's
queue and the enterprise both see which rule failed and why. A rule never raises for bad data: it
fails with a reason.

Amendments re-run CONTENT_RULES (goods, destination, required fields) on the amended content.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from backend.certificate_applications.models import AgentAuthorisation, CertificateApplication
from backend.certificates.catalog import field_errors, goods_scope, hs_chapter, type_spec
from backend.certificates.models import Certificate
from backend.core.china_time import china_date
from backend.core.models import utcnow
from backend.declarations.models import Declaration, ERecord
from backend.extensions import db
from backend.identity.models import Enterprise

PENDING_APPLICATION = ("submitted", "officer_review")


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    reason_zh: str
    reason_en: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ReviewContext:
    """What the rules look at: the applicant, the certificate asked for and its e-record."""

    enterprise_id: int
    type_code: str
    form: dict
    e_record: ERecord
    declaration: Declaration
    submitted_assurance: str | None
    application_id: int | None = None  # not counted against itself
    replacing_certificate_id: int | None = None  # an amendment does not count the certificate it replaces
    now: datetime | None = None


def _ok(rule: str, zh: str = "符合。", en: str = "Holds.") -> RuleResult:
    return RuleResult(rule, True, zh, en)


def _fail(rule: str, zh: str, en: str) -> RuleResult:
    return RuleResult(rule, False, zh, en)


def _zh(value, tail: str = " ") -> str:
    """A value inside a Chinese sentence, set off by spaces; a missing one is named, never `None`."""
    return "（未填写）" if value in (None, "") else f" {value}{tail}"


def _en(value) -> str:
    return "(not given)" if value in (None, "") else str(value)


def inspection_outcome(declaration: Declaration) -> str:
    """passed | failed | not_required | pending, from the declaration's receipts.

    The latest INSPECTION_PASSED / INSPECTION_FAILED receipt decides (a re-inspection after treatment
    overrides an earlier failure). Without either: `not_required` when no inspection was ever noticed
    (approved at document review), otherwise `pending`.
    """
    codes = [r.code for r in declaration.receipts]
    for code in reversed(codes):
        if code == "INSPECTION_PASSED":
            return "passed"
        if code == "INSPECTION_FAILED":
            return "failed"
    return "pending" if "INSPECTION_NOTICE" in codes else "not_required"


def e_record_normal_and_unexpired(ctx: ReviewContext) -> RuleResult:
    name, record = "e_record_normal_and_unexpired", ctx.e_record
    if record.status != "normal":
        return _fail(
            name,
            f"电子底账状态为 {record.status}，不是正常。",
            f"The e-record is {record.status}, not normal.",
        )
    if record.valid_until <= (ctx.now or utcnow()):
        return _fail(name, "电子底账已过有效期。", "The e-record has expired.")
    return _ok(name, "电子底账正常且在有效期内。", "The e-record is normal and valid.")


def inspection_passed_or_not_required(ctx: ReviewContext) -> RuleResult:
    name, outcome = "inspection_passed_or_not_required", inspection_outcome(ctx.declaration)
    if outcome in ("passed", "not_required"):
        return _ok(name, f"查检结果：{outcome}。", f"Inspection: {outcome}.")
    return _fail(name, f"查检结果为 {outcome}。", f"The inspection outcome is {outcome}.")


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _live_certificates(ctx: ReviewContext) -> list[Certificate]:
    query = db.select(Certificate).where(
        Certificate.e_record_id == ctx.e_record.id,
        Certificate.type_code == ctx.type_code,
        Certificate.status == "issued",
    )
    if ctx.replacing_certificate_id is not None:
        query = query.where(Certificate.id != ctx.replacing_certificate_id)
    return list(db.session.execute(query).scalars())


def goods_within_declaration(ctx: ReviewContext) -> RuleResult:
    """Each line's HS code is declared; quantity and net weight, with the other live certificates of this
    type for this e-record, stay within the declared. Quantities compare only in the declared unit."""
    name = "goods_within_declaration"
    declared: dict[str, dict] = {}
    for line in ctx.declaration.goods:
        entry = declared.setdefault(
            line.hs_code, {"quantity": Decimal(0), "net_weight": Decimal(0), "unit": line.quantity_unit}
        )
        entry["quantity"] += line.quantity or 0
        entry["net_weight"] += line.net_weight or 0
    used: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"quantity": Decimal(0), "net_weight": Decimal(0)}
    )
    for certificate in _live_certificates(ctx):
        for line in certificate.content.get("goods", []):
            for key in ("quantity", "net_weight"):
                used[line.get("hs_code")][key] += _decimal(line.get(key)) or 0
    problems_zh, problems_en = [], []
    goods = ctx.form.get("goods") or []
    if not goods:
        return _fail(name, "证书没有货物。", "The certificate lists no goods.")
    for index, line in enumerate(goods, start=1):
        hs = line.get("hs_code")
        if hs not in declared:
            problems_zh.append(f"第{index}行 HS 编码{_zh(hs)}未申报")
            problems_en.append(f"line {index}: HS code {_en(hs)} was not declared")
            continue
        compare = ["net_weight"]
        if not line.get("quantity_unit") or line.get("quantity_unit") == declared[hs]["unit"]:
            compare.append("quantity")
        for key in compare:
            asked = _decimal(line.get(key))
            if asked is None:
                continue
            used[hs][key] += asked
            if used[hs][key] > declared[hs][key]:
                problems_zh.append(
                    f"HS {hs} 的{'数量' if key == 'quantity' else '净重'}累计 {used[hs][key]} "
                    f"超过申报的 {declared[hs][key]}"
                )
                problems_en.append(
                    f"HS {hs}: {key} {used[hs][key]} in total exceeds the declared {declared[hs][key]}"
                )
    if problems_zh:
        return _fail(name, "；".join(problems_zh) + "。", "; ".join(problems_en) + ".")
    return _ok(
        name, "货物与申报一致，数量未超出。", "Goods match the declaration within declared quantities."
    )


def destination_consistent(ctx: ReviewContext) -> RuleResult:
    name = "destination_consistent"
    asked, declared = ctx.form.get("destination_country"), ctx.declaration.destination_country
    if asked != declared:
        return _fail(
            name,
            f"输往国家{_zh(asked)}与申报的{_zh(declared)}不一致。",
            f"Destination {_en(asked)} differs from the declared {_en(declared)}.",
        )
    return _ok(name, "输往国家与申报一致。", "The destination matches the declaration.")


def certificate_type_fits_goods(ctx: ReviewContext) -> RuleResult:
    """Each goods line's HS chapter is one the certificate type attests (the catalogue's GOODS_SCOPES):
    a veterinary certificate is for animal products, not bamboo chopsticks."""
    name = "certificate_type_fits_goods"
    scope = goods_scope(ctx.type_code)
    if scope is None:
        return _ok(name, "该证书种类适用于各类货物。", "This certificate type fits any goods.")
    spec = type_spec(ctx.type_code)
    problems_zh, problems_en = [], []
    for index, line in enumerate(ctx.form.get("goods") or [], start=1):
        hs = line.get("hs_code")
        chapter = hs_chapter(hs)
        if chapter is None or chapter in scope.chapters:
            continue  # a missing or malformed code is goods_within_declaration's to report
        problems_zh.append(f"第{index}行 HS {hs}（第 {chapter} 章）")
        problems_en.append(f"line {index}: HS {hs} (chapter {chapter})")
    if problems_zh:
        return _fail(
            name,
            f"{'、'.join(problems_zh)}不适合{spec.name_zh}，该证书适用于{scope.goods_zh}。",
            f"{'; '.join(problems_en)} does not fit a {spec.name_en}, which is for {scope.goods_en}.",
        )
    return _ok(
        name,
        f"货物适合{spec.name_zh}（{scope.goods_zh}）。",
        f"The goods fit a {spec.name_en} ({scope.goods_en}).",
    )


def applicant_is_consignor_or_agent(ctx: ReviewContext) -> RuleResult:
    name = "applicant_is_consignor_or_agent"
    applicant = db.session.get(Enterprise, ctx.enterprise_id)
    consignor_code = ctx.declaration.consignor_code
    if applicant is not None and applicant.customs_code == consignor_code:
        return _ok(name, "申请单位即发货人。", "The applicant is the consignor.")
    if applicant is not None and has_valid_authorisation(consignor_code, applicant.id, now=ctx.now):
        return _ok(
            name,
            "申请单位持有发货人的有效代理授权。",
            "The applicant holds the consignor's valid authorisation.",
        )
    return _fail(
        name,
        f"申请单位不是发货人{_zh(consignor_code, tail='')}，也没有其有效代理授权。",
        f"The applicant is neither the consignor {_en(consignor_code)} nor its authorised agent.",
    )


def has_valid_authorisation(consignor_code: str | None, agent_enterprise_id: int, *, now=None) -> bool:
    """True when the consignor (by customs code) authorised this agent, unrevoked, for today."""
    today = china_date(now or utcnow())  # authorisations run by the day in China
    query = (
        db.select(AgentAuthorisation.id)
        .join(Enterprise, Enterprise.id == AgentAuthorisation.consignor_enterprise_id)
        .where(
            Enterprise.customs_code == consignor_code,
            AgentAuthorisation.agent_enterprise_id == agent_enterprise_id,
            AgentAuthorisation.revoked_at.is_(None),
            AgentAuthorisation.valid_from <= today,
            AgentAuthorisation.valid_until >= today,
        )
    )
    return db.session.execute(query.limit(1)).first() is not None


def no_second_original(ctx: ReviewContext) -> RuleResult:
    """No other live certificate, and no other application under review, of this type for this e-record
    covers the same goods (HS codes): a consignment has one original per certificate type."""
    name = "no_second_original"
    codes = {line.get("hs_code") for line in ctx.form.get("goods") or []}
    clashes = [
        c.certificate_no
        for c in _live_certificates(ctx)
        if codes & {line.get("hs_code") for line in c.content.get("goods", [])}
    ]
    query = db.select(CertificateApplication).where(
        CertificateApplication.e_record_id == ctx.e_record.id,
        CertificateApplication.type_code == ctx.type_code,
        CertificateApplication.status.in_(PENDING_APPLICATION),
    )
    if ctx.application_id is not None:
        query = query.where(CertificateApplication.id != ctx.application_id)
    for other in db.session.execute(query).scalars():
        if codes & {line.get("hs_code") for line in other.form.get("goods") or []}:
            clashes.append(f"application {other.id}")
    if clashes:
        listed = ", ".join(clashes)
        return _fail(
            name,
            f"同一电子底账、同种货物已有该种类证书：{listed}。",
            f"A certificate of this type for the same e-record and goods exists: {listed}.",
        )
    return _ok(name, "无重复正本。", "No second original.")


def missing_fields(type_code: str, form: dict) -> dict[str, list[str]]:
    """Fields a certificate of `type_code` needs that `form` lacks or gets wrong, by field key."""
    problems = dict(field_errors(type_spec(type_code), form.get("fields") or {}))
    consignee = form.get("consignee") or {}
    if not (consignee.get("name_zh") or consignee.get("name_en")):
        problems["consignee.name_en"] = ["required"]
    for key in ("destination_country", "goods"):
        if not form.get(key):
            problems[key] = ["required"]
    return problems


def required_fields_present(ctx: ReviewContext) -> RuleResult:
    name = "required_fields_present"
    problems = missing_fields(ctx.type_code, ctx.form)
    if problems:
        keys = ", ".join(sorted(problems))
        return _fail(name, f"缺少或有误的字段：{keys}。", f"Missing or invalid fields: {keys}.")
    return _ok(name, "必填项齐全。", "All required fields are present.")


def key_login(ctx: ReviewContext) -> RuleResult:
    name = "key_login"
    if ctx.submitted_assurance == "key":
        return _ok(name, "申请人以安全密钥（卡介质）登录。", "The applicant logged in with a key.")
    return _fail(name, "申请人未以安全密钥（卡介质）登录。", "The applicant did not log in with a key.")


Rule = Callable[[ReviewContext], RuleResult]
RULES: tuple[Rule, ...] = (
    e_record_normal_and_unexpired,
    inspection_passed_or_not_required,
    goods_within_declaration,
    certificate_type_fits_goods,
    destination_consistent,
    applicant_is_consignor_or_agent,
    no_second_original,
    required_fields_present,
    key_login,
)
CONTENT_RULES: tuple[Rule, ...] = (
    goods_within_declaration, certificate_type_fits_goods, destination_consistent, required_fields_present
)


def review(ctx: ReviewContext, rules: tuple[Rule, ...] = RULES) -> list[RuleResult]:
    """Every rule's outcome, in order."""
    return [rule(ctx) for rule in rules]


def failed(results: list[RuleResult] | list[dict]) -> list[str]:
    """Names of the rules that failed."""
    return [
        r.rule if isinstance(r, RuleResult) else r["rule"]
        for r in results
        if not (r.passed if isinstance(r, RuleResult) else r["passed"])
    ]
