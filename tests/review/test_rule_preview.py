"""布控规则预览 and conditions as text: which of the last N applications a drafted rule would hit, and
a line of conditions that does not parse refused with its position."""

from datetime import timedelta

from backend.audit.models import AuditEvent
from backend.core.models import utcnow
from backend.extensions import db

URL = "/api/v1/review/risk-rules/preview"


def _admin(factories, district_code="5300", assurance="key"):
    user = factories.user("administrator", district_code=district_code)
    return factories.headers(user, assurance=assurance)


def _usa_line(enterprise):
    return [
        {
            "line_no": 1,
            "hs_code": "9403600000",
            "ciq_code": "9403600000999",
            "name_zh": "木制家具",
            "quantity": 10,
            "quantity_unit": "011",
            "net_weight": 500,
            "value": 3000,
            "currency": "USD",
            "packing_kind": "CTN",
            "packing_count": 10,
            "producer_name": enterprise.name_zh,
        }
    ]


def test_preview_names_the_last_applications_the_draft_would_hit(client, factories):
    ent = factories.enterprise()
    now = utcnow()
    japan = [
        factories.declaration(ent, status="accepted", accepted_at=now - timedelta(hours=h)) for h in (1, 2)
    ]
    usa = factories.declaration(
        ent, status="e_record_issued", goods=_usa_line(ent), accepted_at=now - timedelta(hours=3)
    )
    usa.destination_country = "USA"
    db.session.commit()
    oldest_japan = factories.declaration(ent, status="accepted", accepted_at=now - timedelta(days=3))
    factories.declaration(ent, status="draft")  # never accepted: not looked at
    factories.declaration(ent, status="accepted", district_code="5100", accepted_at=now)  # another district
    headers = _admin(factories, assurance="password")  # a preview changes nothing: a login is enough

    body = client.post(URL, json={"conditions": "hs:4419 dest:JPN", "last": 3}, headers=headers)
    assert body.status_code == 200, body.get_json()
    preview = body.get_json()
    assert (preview["checked"], preview["matched"], preview["selected"]) == (3, 2, 2)
    assert [hit["declaration_id"] for hit in preview["hits"]] == [japan[0].id, japan[1].id]
    assert preview["conditions"] == "hs:4419 dest:JPN"
    reasons = preview["hits"][0]["reasons"]
    assert {"condition": "destination_country", "value": "JPN"} in reasons
    assert any(r["condition"] == "hs_prefix" and r["value"] == "4419" for r in reasons)

    wider = client.post(URL, json={"hs_prefixes": ["94", "4419"], "last": 10}, headers=headers).get_json()
    assert wider["checked"] == 4
    assert {hit["declaration_id"] for hit in wider["hits"]} == {
        japan[0].id,
        japan[1].id,
        usa.id,
        oldest_japan.id,
    }

    never = client.post(URL, json={"hs_prefixes": ["94"], "sampling_rate": 0}, headers=headers).get_json()
    assert (
        never["matched"] == 1
        and never["selected"] == 0
        and never["hits"][0]["inspection_no"] == usa.inspection_no
    )
    assert db.session.execute(db.select(AuditEvent.id)).first() is None  # nothing stored or audited


def test_preview_starts_from_a_saved_rule_of_the_district_only(client, factories):
    ent = factories.enterprise()
    factories.declaration(ent, status="accepted", accepted_at=utcnow())
    rule = factories.risk_rule(destination_countries=["USA"], active=False)
    headers = _admin(factories)
    saved = client.post(URL, json={"rule_id": rule.id}, headers=headers).get_json()
    assert (saved["checked"], saved["matched"], saved["conditions"]) == (1, 0, "dest:USA")
    changed = client.post(
        URL, json={"rule_id": rule.id, "conditions": "dest:JPN"}, headers=headers
    ).get_json()
    assert changed["matched"] == 1
    assert client.post(URL, json={"rule_id": rule.id}, headers=_admin(factories, "5100")).status_code == 404
    reviewer = factories.headers(factories.user("reviewer"))
    assert client.post(URL, json={}, headers=reviewer).status_code == 403
    assert client.post(URL, json={"last": 501}, headers=headers).status_code == 422


def test_conditions_that_do_not_parse_are_refused_with_the_position(client, factories):
    headers = _admin(factories)
    cases = {
        "hs:4419 dset:USA": 9,
        "hs:4419,44x9": 9,
        "dest:usa": 6,
        "hs:4419 hs:4421": 9,
        "grade": 1,
        "category:no_such_thing": None,
    }
    for text, position in cases.items():
        refused = client.post(URL, json={"conditions": text}, headers=headers)
        assert refused.status_code == 422, text
        body = refused.get_json()
        if position is None:
            assert body["error"] == "risk_rule.unknown_category"
            continue
        assert body["error"] == "risk_rule.unparsable" and body["detail"]["position"] == position, (
            text,
            body,
        )
        assert body["errors"]["conditions"][0].startswith(f"{position}: ")
        assert f"第 {position} 个字符" in body["message"]


def test_a_rule_saved_from_text_is_a_new_version_and_audited(client, factories):
    headers = _admin(factories)
    rule = {"name_zh": "家具输美", "inspection_items": ["packaging"], "sampling_rate": 1, "active": False}
    created = client.post(
        "/api/v1/review/risk-rules", json={**rule, "conditions": "hs:9403 dest:USA"}, headers=headers
    ).get_json()
    assert created["hs_prefixes"] == ["9403"] and created["destination_countries"] == ["USA"]
    assert created["conditions"] == "hs:9403 dest:USA"
    url = f"/api/v1/review/risk-rules/{created['id']}"
    refused = client.patch(url, json={"expected_version": 1, "conditions": "hs:94 dest:US"}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["detail"]["position"] == 12
    changed = client.patch(
        url,
        json={"expected_version": 1, "conditions": "hs:94 grade:dishonest", "active": True},
        headers=headers,
    ).get_json()
    assert (changed["version"], changed["conditions"], changed["active"]) == (
        2,
        "hs:94 grade:dishonest",
        True,
    )
    audit = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "risk_rule.updated")
    ).scalar_one()
    assert audit.before["hs_prefixes"] == ["9403"] and audit.after["credit_grades"] == ["dishonest"]
    assert audit.after["destination_countries"] == [] and audit.after["active"] is True
