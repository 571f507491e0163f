"""Rule preview before a decision, and the district's "review.changed" announcement after one."""

from backend.extensions import db
from backend.review.models import RuleHit


def _url(declaration, action):
    return f"/api/v1/review/declarations/{declaration.id}/{action}"


def test_preview_names_the_rules_approval_would_record_and_stores_nothing(client, factories):
    ent = factories.enterprise(credit_grade="general")
    declaration = factories.declaration(ent, status="accepted")
    selecting = factories.risk_rule(hs_prefixes=["4419"], inspection_items=["packaging"], sampling_rate="1")
    factories.risk_rule(destination_countries=["JPN"], sampling_rate="0")
    factories.risk_rule(destination_countries=["USA"])  # no match
    headers = factories.headers(factories.user("reviewer", district_code="5300"))
    response = client.get(_url(declaration, "rule-preview"), headers=headers)
    assert response.status_code == 200, response.get_json()
    preview = response.get_json()
    assert [(hit["rule_id"], hit["selected"]) for hit in preview] == [
        (selecting.id, True),
        (preview[1]["rule_id"], False),
    ]
    assert preview[0]["rule_name_zh"] == selecting.name_zh and "id" not in preview[0]
    assert preview[0]["reasons"] == [
        {"condition": "hs_prefix", "value": "4419", "line_no": 1, "code": "4419121000"}
    ]
    assert db.session.query(RuleHit).count() == 0
    approve = client.post(_url(declaration, "approve"), json={"expected_version": 1}, headers=headers)
    same = ("rule_id", "draw_hex", "selected", "reasons")
    assert [[hit[k] for k in same] for hit in approve.get_json()["rule_hits"]] == [
        [hit[k] for k in same] for hit in preview
    ]


def test_preview_is_for_the_district_only(client, factories):
    declaration = factories.declaration(factories.enterprise(), status="accepted")
    other = factories.headers(factories.user("reviewer", district_code="5100"))
    assert client.get(_url(declaration, "rule-preview"), headers=other).status_code == 404
    enterprise_user = factories.headers(factories.user("enterprise", enterprise=factories.enterprise()))
    assert client.get(_url(declaration, "rule-preview"), headers=enterprise_user).status_code == 403


def test_each_decision_announces_review_changed_to_the_district(client, factories, emitted):
    ent = factories.enterprise()
    headers = factories.headers(factories.user("reviewer", district_code="5300"))
    opened = factories.declaration(ent, status="accepted")
    client.post(_url(opened, "open"), json={"expected_version": 1}, headers=headers)
    rejected = factories.declaration(ent, status="accepted")
    client.post(_url(rejected, "reject"), json={"expected_version": 1, "reason": "不予受理"}, headers=headers)
    announced = [(room, data["declaration_id"], data["status"]) for room, event, data in emitted
                 if event == "review.changed"]
    assert announced == [
        ("district:5300", opened.id, "under_review"),
        ("district:5300", rejected.id, "rejected"),
    ]
