"""Document review through the API: queue, open, approve (with and without a rule hit), return, reject."""

import threading
from datetime import timedelta

from backend.core.models import utcnow
from backend.declarations.models import Declaration
from backend.extensions import db
from backend.instructions.models import Instruction
from backend.review.models import RuleHit


def _url(declaration, action):
    return f"/api/v1/review/declarations/{declaration.id}/{action}"


def _reviewer(factories, district_code="5300"):
    return factories.headers(factories.user("reviewer", district_code=district_code))


def test_queue_is_the_district_oldest_first_with_keyset_pages_and_filters(client, factories):
    ent = factories.enterprise()
    now = utcnow()
    accepted = [
        factories.declaration(ent, status=status, accepted_at=now - timedelta(hours=hours))
        for status, hours in (("accepted", 1), ("under_review", 5), ("accepted", 3), ("accepted", 2))
    ]
    factories.declaration(ent, status="returned", accepted_at=now - timedelta(hours=9))
    factories.declaration(ent, status="accepted", district_code="5100", accepted_at=now - timedelta(hours=9))
    headers = _reviewer(factories)
    first = client.get("/api/v1/review/queue?limit=3", headers=headers)
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    expected = [accepted[1].id, accepted[2].id, accepted[3].id]
    assert [item["id"] for item in body["items"]] == expected
    assert body["items"][0]["goods"][0]["hs_code"] == "4419121000"
    second = client.get(
        f"/api/v1/review/queue?limit=3&cursor={body['next_cursor']}", headers=headers
    ).get_json()
    assert [item["id"] for item in second["items"]] == [accepted[0].id] and second["next_cursor"] is None
    only = client.get("/api/v1/review/queue?status=under_review", headers=headers).get_json()["items"]
    assert [item["id"] for item in only] == [accepted[1].id]
    assert client.get("/api/v1/review/queue?hs_prefix=0805", headers=headers).get_json()["items"] == []
    by_no = client.get(f"/api/v1/review/queue?inspection_no={accepted[2].inspection_no}", headers=headers)
    assert [item["id"] for item in by_no.get_json()["items"]] == [accepted[2].id]
    supervisor = factories.headers(factories.user("supervisor"))
    assert len(client.get("/api/v1/review/queue", headers=supervisor).get_json()["items"]) == 4
    bad = client.get("/api/v1/review/queue?cursor=not-a-cursor", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"] == "review.invalid_cursor"
    inspector = factories.headers(factories.user("inspector"))
    assert client.get("/api/v1/review/queue", headers=inspector).status_code == 403
    unknown = client.get("/api/v1/review/queue?sort=desc", headers=headers)
    assert unknown.status_code == 422 and "sort" in unknown.get_json()["errors"]


def test_open_then_approve_without_hit_issues_the_e_record(client, factories):
    ent = factories.enterprise()
    declaration = factories.declaration(ent, status="accepted", goods=[factories.goods_line("0805100000")])
    headers = _reviewer(factories)
    opened = client.post(_url(declaration, "open"), json={"expected_version": 1}, headers=headers)
    assert opened.status_code == 200 and opened.get_json()["status"] == "under_review"
    approved = client.post(_url(declaration, "approve"), json={"expected_version": 2}, headers=headers)
    assert approved.status_code == 200, approved.get_json()
    body = approved.get_json()
    assert body["outcome"] == "e_record_issued" and body["instruction_id"] is None and body["rule_hits"] == []
    assert body["e_record"]["e_record_no"] == declaration.inspection_no + "001"
    assert body["e_record"]["goods_category"] == "fresh_live"
    db.session.expire_all()
    assert [r.code for r in declaration.receipts] == ["REVIEW_STARTED", "E_RECORD_ISSUED"]


def test_approve_with_a_hit_issues_an_instruction_with_the_rules_items(client, factories):
    ent = factories.enterprise(credit_grade="general")
    declaration = factories.declaration(ent, status="accepted")
    factories.risk_rule(hs_prefixes=["4419"], inspection_items=["packaging", "verify_goods"], priority=2)
    factories.risk_rule(destination_countries=["JPN"], inspection_items=["labels", "packaging"], priority=1)
    factories.risk_rule(destination_countries=["USA"], inspection_items=["sampling"])  # no match
    factories.risk_rule(hs_prefixes=["4419"], sampling_rate="0")  # matches, never selects
    response = client.post(
        _url(declaration, "approve"), json={"expected_version": 1}, headers=_reviewer(factories)
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["outcome"] == "inspection_notice" and body["e_record"] is None
    assert [hit["selected"] for hit in body["rule_hits"]] == [True, True, False]
    instruction = db.session.get(Instruction, body["instruction_id"])
    assert [item.code for item in instruction.items] == ["labels", "packaging", "verify_goods"]
    assert (instruction.source, instruction.priority, instruction.status) == ("risk_rule", 1, "pending")
    assert len(instruction.reason["rule_hits"]) == 2
    db.session.expire_all()
    assert declaration.status == "inspection_notice" and declaration.e_record is None
    assert declaration.receipts[-1].code == "INSPECTION_NOTICE"
    assert declaration.receipts[-1].detail is None  # the enterprise is not told which rule hit
    hits = client.get(_url(declaration, "rule-hits"), headers=_reviewer(factories)).get_json()
    assert hits[0]["reasons"] == [{"condition": "destination_country", "value": "JPN"}]
    assert hits[1]["reasons"] == [
        {"condition": "hs_prefix", "value": "4419", "line_no": 1, "code": "4419121000"}
    ]
    assert {hit["instruction_id"] for hit in hits} == {instruction.id, None}


def test_return_with_field_reasons_is_shown_to_the_enterprise(client, factories):
    ent = factories.enterprise()
    declaration = factories.declaration(ent, status="accepted")
    reasons = [
        {
            "path": "goods[0].hs_code",
            "reason_zh": "商品编码与品名不符",
            "reason_en": "HS code does not fit the name",
        },
        {"path": "contract_no", "reason_zh": "合同号与附件不一致"},
    ]
    response = client.post(
        _url(declaration, "return"),
        json={"expected_version": 1, "field_reasons": reasons, "note_zh": "请修改"},
        headers=_reviewer(factories),
    )
    assert response.status_code == 200 and response.get_json()["status"] == "returned"
    db.session.expire_all()
    receipt = declaration.receipts[-1]
    assert receipt.code == "RETURNED" and "goods[0].hs_code：商品编码与品名不符" in receipt.text_zh
    assert receipt.detail["field_reasons"] == reasons
    assert "goods[0].hs_code: HS code does not fit the name" in receipt.text_en
    assert "contract_no: 合同号与附件不一致" in receipt.text_en  # no English given: the Chinese reason
    empty = client.post(
        _url(declaration, "return"),
        json={"expected_version": 2, "field_reasons": []},
        headers=_reviewer(factories),
    )
    assert empty.status_code == 422
    bad_path = client.post(
        _url(declaration, "return"),
        json={"expected_version": 2, "field_reasons": [{"path": "DROP TABLE", "reason_zh": "x"}]},
        headers=_reviewer(factories),
    )
    assert bad_path.status_code == 422


def test_reject_and_forbidden_transitions_are_409(client, factories):
    ent = factories.enterprise()
    declaration = factories.declaration(ent, status="under_review")
    headers = _reviewer(factories)
    rejected = client.post(
        _url(declaration, "reject"), json={"expected_version": 1, "reason": "货证不符"}, headers=headers
    )
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    for action, extra in (("open", {}), ("approve", {}), ("reject", {"reason": "x"})):
        again = client.post(_url(declaration, action), json={"expected_version": 2, **extra}, headers=headers)
        assert again.status_code == 409 and again.get_json()["error"] == "declaration.invalid_transition", (
            action
        )
    under = factories.declaration(ent, status="under_review")
    reopen = client.post(_url(under, "open"), json={"expected_version": 1}, headers=headers)
    assert reopen.get_json()["error"] == "declaration.invalid_transition"
    draft = factories.declaration(ent, status="draft")
    assert (
        client.post(_url(draft, "approve"), json={"expected_version": 1}, headers=headers).status_code == 409
    )
    assert db.session.execute(db.select(RuleHit)).first() is None


def test_scope_roles_and_stale_versions(client, factories):
    ent = factories.enterprise()
    declaration = factories.declaration(ent, status="accepted")
    other_district = _reviewer(factories, "5100")
    assert (
        client.post(
            _url(declaration, "open"), json={"expected_version": 1}, headers=other_district
        ).status_code
        == 404
    )
    assert client.get(_url(declaration, "rule-hits"), headers=other_district).status_code == 404
    supervisor = factories.headers(factories.user("supervisor"))
    assert (
        client.post(
            _url(declaration, "approve"), json={"expected_version": 1}, headers=supervisor
        ).status_code
        == 403
    )
    owner = factories.headers(factories.user("enterprise", enterprise=ent))
    assert client.get(_url(declaration, "rule-hits"), headers=owner).status_code == 403
    stale = client.post(
        _url(declaration, "approve"), json={"expected_version": 7}, headers=_reviewer(factories)
    )
    assert stale.status_code == 409 and stale.get_json()["error"] == "declaration.version_conflict"
    assert stale.get_json()["detail"] == {"current_version": 1}
    missing = client.post(
        "/api/v1/review/declarations/2147483647/open",
        json={"expected_version": 1},
        headers=_reviewer(factories),
    )
    assert missing.status_code == 404
    assert (
        client.post(
            _url(declaration, "open"), json={"expected_version": 1.5}, headers=_reviewer(factories)
        ).status_code
        == 422
    )


def test_two_reviewers_racing_only_one_decides(app, factories):
    ent = factories.enterprise()
    declaration = factories.declaration(ent, status="under_review")
    first, second = _reviewer(factories), _reviewer(factories)
    url, declaration_id = _url(declaration, "approve"), declaration.id
    reject_url = _url(declaration, "reject")
    db.session.rollback()
    barrier, results = threading.Barrier(2), []

    def decide(target, headers, body):
        with app.test_client() as own:
            barrier.wait()
            response = own.post(target, json=body, headers=headers)
            results.append((response.status_code, response.get_json().get("error")))

    threads = [
        threading.Thread(target=decide, args=(url, first, {"expected_version": 1})),
        threading.Thread(target=decide, args=(reject_url, second, {"expected_version": 1, "reason": "x"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(results)
    assert [s for s, _ in statuses] == [200, 409], results
    assert statuses[1][1] in ("declaration.version_conflict", "declaration.invalid_transition")
    stored = db.session.get(Declaration, declaration_id)
    assert stored.version == 2 and len(stored.receipts) == 1
