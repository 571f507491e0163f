"""Risk rules: conditions, reproducible draws, sampling rates 0 and 1, validity, and administration."""

import hashlib
import hmac
from datetime import timedelta
from decimal import Decimal

from backend.audit.models import AuditEvent
from backend.core.models import utcnow
from backend.extensions import db
from backend.review.models import RuleHit
from backend.review.rules import draw_for, draw_secret, evaluate_rules


def test_draw_is_reproducible_and_derived_from_the_secret_rule_and_number(app):
    message, digest, value = draw_for(7, "226N53000000001")
    assert draw_for(7, "226N53000000001") == (message, digest, value)
    expected = hmac.new(draw_secret(), message.encode(), hashlib.sha256).hexdigest()[:16]
    assert digest == expected and Decimal(0) <= value < Decimal(1)
    assert abs(value - Decimal(int(digest, 16)) / Decimal(2**64)) < Decimal("1e-19")
    assert draw_for(8, "226N53000000001")[1] != digest and draw_for(7, "226N53000000002")[1] != digest


def test_re_evaluating_gives_the_same_hits(factories):
    ent = factories.enterprise()
    declaration = factories.declaration(ent, status="accepted")
    rates = {factories.risk_rule(sampling_rate=rate).id: Decimal(rate) for rate in ("0.1", "0.5", "0.9")}
    first = [(h.rule_id, h.draw_hex, h.draw, h.selected) for h in evaluate_rules(declaration=declaration)]
    second = [(h.rule_id, h.draw_hex, h.draw, h.selected) for h in evaluate_rules(declaration=declaration)]
    assert first == second and len(first) == 3
    for rule_id, digest, value, selected in first:
        assert selected == (value < rates[rule_id])
        _, recomputed_hex, recomputed = draw_for(rule_id, declaration.inspection_no)
        assert (recomputed_hex, recomputed) == (digest, value)
    db.session.commit()
    stored = db.session.execute(db.select(RuleHit).order_by(RuleHit.id)).scalars().all()
    assert [(h.rule_id, h.draw_hex, h.selected) for h in stored[:3]] == [(r, d, s) for r, d, _, s in first]
    assert all(
        h.draw_input == f"risk_rule:{h.rule_id}|inspection_no:{declaration.inspection_no}" for h in stored
    )


def test_sampling_rate_zero_never_and_one_always_selects(factories):
    ent = factories.enterprise()
    never = factories.risk_rule(sampling_rate="0")
    always = factories.risk_rule(sampling_rate="1")
    for _ in range(20):
        declaration = factories.declaration(ent, status="accepted")
        hits = {hit.rule_id: hit.selected for hit in evaluate_rules(declaration=declaration)}
        assert hits == {never.id: False, always.id: True}
    db.session.rollback()


def test_selected_is_the_draw_below_the_rate(factories):
    ent = factories.enterprise()
    rule = factories.risk_rule(sampling_rate="0.5")
    outcomes = set()
    for _ in range(30):
        hit = evaluate_rules(declaration=factories.declaration(ent, status="accepted"))[0]
        assert hit.selected == (hit.draw < Decimal("0.5")) and hit.sampling_rate == Decimal("0.5")
        assert hit.rule_id == rule.id
        outcomes.add(hit.selected)
    assert outcomes == {True, False}  # 30 draws at 50 %: both outcomes occur (fixed secret, fixed numbers)
    db.session.rollback()


def test_conditions_name_what_matched_and_all_kinds_must_match(factories):
    advanced = factories.enterprise(credit_grade="advanced")
    goods = [factories.goods_line("8471300000", 1), factories.goods_line("0805100000", 2)]
    declaration = factories.declaration(advanced, status="accepted", goods=goods)
    declaration.destination_country = "USA"  # the factory fixes JPN
    db.session.commit()
    full = factories.risk_rule(
        hs_prefixes=["0805", "9999"],
        destination_countries=["USA", "JPN"],
        credit_grades=["advanced"],
        goods_categories=["fresh_live"],
    )
    factories.risk_rule(hs_prefixes=["0805"], destination_countries=["JPN"])  # destination fails
    factories.risk_rule(credit_grades=["dishonest"])  # grade fails
    factories.risk_rule(goods_categories=["plant"])  # category fails
    factories.risk_rule(hs_prefixes=["0805"], district_code="5100")  # other district
    factories.risk_rule(hs_prefixes=["0805"], active=False)
    factories.risk_rule(hs_prefixes=["0805"], valid_from=utcnow() + timedelta(days=1))
    factories.risk_rule(hs_prefixes=["0805"], valid_until=utcnow() - timedelta(days=1))
    current = factories.risk_rule(
        hs_prefixes=["0805"],
        valid_from=utcnow() - timedelta(days=1),
        valid_until=utcnow() + timedelta(days=1),
    )
    hits = evaluate_rules(declaration=declaration)
    assert [hit.rule_id for hit in hits] == [full.id, current.id]
    assert hits[0].reasons == [
        {"condition": "hs_prefix", "value": "0805", "line_no": 2, "code": "0805100000"},
        {"condition": "destination_country", "value": "USA"},
        {"condition": "credit_grade", "value": "advanced"},
        {"condition": "goods_category", "value": "fresh_live", "line_no": 2},
    ]
    db.session.rollback()


def _admin(factories, district_code="5300", assurance="key"):
    user = factories.user("administrator", district_code=district_code)
    return factories.headers(user, assurance=assurance)


RULE = {
    "name_zh": "竹木制品输日查验",
    "hs_prefixes": ["4419", "4421"],
    "destination_countries": ["JPN"],
    "credit_grades": ["general", "dishonest"],
    "goods_categories": ["plant"],
    "inspection_items": ["packaging", "treatment_supervision"],
    "sampling_rate": 0.3,
    "priority": 2,
}


def test_administrators_create_list_update_and_deactivate_rules(client, factories):
    headers = _admin(factories)
    created = client.post("/api/v1/review/risk-rules", json=RULE, headers=headers)
    assert created.status_code == 201, created.get_json()
    rule = created.get_json()
    assert rule["sampling_rate"] == "0.3000" and rule["version"] == 1 and rule["district_code"] == "5300"
    url = f"/api/v1/review/risk-rules/{rule['id']}"
    changed = client.patch(
        url, json={"expected_version": 1, "sampling_rate": 1, "priority": 1}, headers=headers
    )
    assert changed.status_code == 200 and changed.get_json()["sampling_rate"] == "1.0000"
    assert changed.get_json()["hs_prefixes"] == ["4419", "4421"] and changed.get_json()["version"] == 2
    stale = client.patch(url, json={"expected_version": 1, "priority": 5}, headers=headers)
    assert stale.status_code == 409 and stale.get_json()["error"] == "risk_rule.version_conflict"
    off = client.post(f"{url}/deactivate", json={}, headers=headers)
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert client.get("/api/v1/review/risk-rules?active=true", headers=headers).get_json() == []
    assert len(client.get("/api/v1/review/risk-rules", headers=headers).get_json()) == 1
    actions = list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())
    assert actions[-3:] == ["risk_rule.created", "risk_rule.updated", "risk_rule.deactivated"]
    elsewhere = _admin(factories, "5100")
    assert client.get(url, headers=elsewhere).status_code == 404
    assert client.get("/api/v1/review/risk-rules", headers=elsewhere).get_json() == []
    reviewer = factories.headers(factories.user("reviewer"))
    assert client.post("/api/v1/review/risk-rules", json=RULE, headers=reviewer).status_code == 403


def test_risk_rule_writes_need_a_key_session_reads_do_not(client, factories):
    """布控 is an administrative change like any other: a password session may read rules, not write them."""
    keyed = _admin(factories)
    rule = client.post("/api/v1/review/risk-rules", json=RULE, headers=keyed).get_json()
    url = f"/api/v1/review/risk-rules/{rule['id']}"
    password = _admin(factories, assurance="password")
    refused = [
        client.post("/api/v1/review/risk-rules", json=RULE, headers=password),
        client.patch(url, json={"expected_version": 1, "priority": 1}, headers=password),
        client.post(f"{url}/deactivate", json={"expected_version": 1}, headers=password),
    ]
    for response in refused:
        assert response.status_code == 403 and response.get_json()["error"] == "auth.key_required"
    assert client.get(url, headers=password).get_json()["active"] is True
    assert client.get(url, headers=password).get_json()["version"] == 1
    assert len(client.get("/api/v1/review/risk-rules", headers=password).get_json()) == 1


def test_rule_arguments_are_checked(client, factories):
    headers = _admin(factories)

    def post(**changes):
        return client.post("/api/v1/review/risk-rules", json={**RULE, **changes}, headers=headers)

    assert post(sampling_rate=1.5).status_code == 422
    assert post(sampling_rate=-0.1).status_code == 422
    assert post(inspection_items=["x-ray"]).status_code == 422
    assert post(hs_prefixes=["44AB"]).status_code == 422
    assert post(unknown_field=1).status_code == 422
    assert post(goods_categories=["rocks"]).get_json()["error"] == "risk_rule.unknown_category"
    now = utcnow()
    inverted = post(valid_from=now.isoformat(), valid_until=(now - timedelta(days=1)).isoformat())
    assert inverted.status_code == 422 and inverted.get_json()["error"] == "risk_rule.invalid_period"
    assert post(valid_from="2026-01-01T00:00:00").status_code == 422  # no time zone


def test_the_draw_key_is_derived_for_its_purpose_unless_configured(app):
    from backend.core.secrets import derive_key

    secret = app.config["SECRET_KEY"]
    assert draw_secret() == derive_key(secret, purpose=b"chajian risk draw v1")
    assert draw_secret() != f"risk-draw:{secret}".encode()
    app.config["RISK_DRAW_SECRET"] = "configured-draw-secret"
    try:
        assert draw_secret() == b"configured-draw-secret"
    finally:
        app.config["RISK_DRAW_SECRET"] = None
