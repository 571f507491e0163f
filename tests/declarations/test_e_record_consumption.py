"""核销: customs declarations consume an e-record in parts (三单一致), refused with reasons, raced safely."""

import threading
from decimal import Decimal

from backend.declarations.models import ERecord, ERecordConsumption
from backend.extensions import db


def _clearance(factories):
    return factories.headers(factories.user("system_client", district_code=None), assurance="key")


def _url(record, action):
    return f"/api/v1/e-records/{record.e_record_no}/{action}"


def _body(ent, number, *lines, port="CNSZX", country="JPN"):
    return {
        "customs_code": ent.customs_code,
        "customs_declaration_no": number,
        "port_of_exit": port,
        "destination_country": country,
        "lines": [
            {"line_no": n, "hs_code": "4419121000", "quantity": q, "quantity_unit": "035", **extra}
            for n, q, extra in lines
        ],
    }


def _balance(client, record, headers):
    body = client.get(f"/api/v1/e-records/{record.e_record_no}", headers=headers).get_json()
    return body["status"], [(line["consumed"], line["remaining"]) for line in body["balance"]]


def test_three_declarations_consume_to_zero_and_a_fourth_is_refused(client, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)  # one goods line: 100000 (035), 2000 kg, 200 packages
    headers = _clearance(factories)
    owner = factories.headers(factories.user("enterprise", enterprise=ent))
    first = client.post(
        _url(record, "consume"),
        json=_body(ent, "530120261000001", (1, 30000, {"net_weight": 600, "packages": 60})),
        headers=headers,
    )
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["e_record"]["status"] == "normal"
    assert first.get_json()["e_record"]["balance"][0]["remaining"] == "70000.000"
    # A retry replays: nothing consumed twice.
    again = client.post(
        _url(record, "consume"),
        json=_body(ent, "530120261000001", (1, 30000, {"net_weight": 600, "packages": 60})),
        headers=headers,
    )
    assert again.status_code == 200 and again.get_json()["replayed"] is True
    assert _balance(client, record, owner) == ("normal", [("30000.000", "70000.000")])
    # Two lines of one declaration draw on the same goods line.
    second = client.post(
        _url(record, "consume"),
        json=_body(ent, "530120261000002", (1, 20000, {}), (2, 10000, {})),
        headers=headers,
    )
    assert second.status_code == 200, second.get_json()
    third = client.post(
        _url(record, "consume"), json=_body(ent, "530120261000003", (1, 40000, {})), headers=headers
    )
    assert third.status_code == 200 and third.get_json()["e_record"]["status"] == "used"
    assert _balance(client, record, owner) == ("used", [("100000.000", "0.000")])
    fourth = client.post(
        _url(record, "consume"), json=_body(ent, "530120261000004", (1, 1, {})), headers=headers
    )
    assert fourth.status_code == 409 and fourth.get_json()["error"] == "e_record.not_usable"
    assert {"used", "over_consumption"} <= {r["code"] for r in fourth.get_json()["detail"]["reasons"]}
    assert "电子底账" in fourth.get_json()["message"]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(ERecordConsumption)) == 4
    codes = [r.code for r in record.declaration.receipts]
    assert codes.count("E_RECORD_CONSUMED") == 3 and codes[-1] == "E_RECORD_USED"
    assert record.used_by_reference == "530120261000003"


def test_over_consumption_another_port_and_destination_are_refused_with_reasons(client, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    headers = _clearance(factories)
    verify = client.post(
        _url(record, "verify"),
        json=_body(ent, "x", (1, 100001, {"net_weight": 2500}), port="CNHUA", country="KOR")
        | {"customs_declaration_no": None},
        headers=headers,
    )
    assert verify.status_code == 422  # verify takes no declaration number
    body = _body(ent, "x", (1, 100001, {"net_weight": 2500}), port="CNHUA", country="KOR")
    del body["customs_declaration_no"]
    checked = client.post(_url(record, "verify"), json=body, headers=headers).get_json()
    assert checked["usable"] is False
    assert [r["code"] for r in checked["reasons"]] == [
        "port_mismatch",
        "destination_mismatch",
        "over_consumption",
        "weight_exceeds",
    ]
    assert checked["reasons"][2]["line_no"] == 1 and checked["reasons"][2]["text_en"].startswith("line 1")
    refused = client.post(
        _url(record, "consume"),
        json=_body(ent, "530120262000001", (1, 10, {"quantity_unit": "011"}), port="CNHUA"),
        headers=headers,
    )
    assert refused.status_code == 409
    assert [r["code"] for r in refused.get_json()["detail"]["reasons"]] == ["port_mismatch", "unit_mismatch"]
    assert db.session.scalar(db.select(db.func.count()).select_from(ERecordConsumption)) == 0
    # The same declaration line may not draw twice with other figures.
    assert (
        client.post(
            _url(record, "consume"), json=_body(ent, "530120262000002", (1, 10, {})), headers=headers
        ).status_code
        == 200
    )
    conflict = client.post(
        _url(record, "consume"), json=_body(ent, "530120262000002", (1, 11, {})), headers=headers
    )
    assert conflict.status_code == 409 and conflict.get_json()["error"] == "e_record.consumption_conflict"


def test_malformed_lines_name_the_field(client, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    headers = _clearance(factories)
    body = _body(ent, "530120263000001", (1, 10, {}))
    cases = [
        ({**body, "lines": [{**body["lines"][0], "quantity": -1}]}, "lines"),
        ({**body, "hs_codes": ["4419121000"]}, "lines"),
        ({k: v for k, v in body.items() if k != "port_of_exit"}, "port_of_exit"),
        ({**body, "lines": body["lines"] * 2}, "lines"),
    ]
    for wrong, field in cases:
        response = client.post(_url(record, "consume"), json=wrong, headers=headers)
        assert response.status_code == 422 and field in response.get_json()["errors"], (
            wrong,
            response.get_json(),
        )
    assert db.session.scalar(db.select(db.func.count()).select_from(ERecordConsumption)) == 0


def test_sixteen_threads_race_for_the_last_quantity(app, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    headers = _clearance(factories)
    with app.test_client() as first:
        assert (
            first.post(
                _url(record, "consume"), json=_body(ent, "530120264000000", (1, 99990, {})), headers=headers
            ).status_code
            == 200
        )
    url = _url(record, "consume")
    bodies = {n: _body(ent, f"53012026{n:07d}", (1, 2, {})) for n in range(1, 17)}
    db.session.rollback()  # end this thread's read transaction: on SQLite it holds the write lock
    barrier = threading.Barrier(16)
    results = []

    def consume(n):
        # Each wants 2 of the 10 left: exactly five can have them, and nothing is left.
        with app.test_client() as own_client:
            barrier.wait()
            response = own_client.post(url, json=bodies[n], headers=headers)
            results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=consume, args=(n,)) for n in range(1, 17)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in results) == [200] * 5 + [409] * 11, results
    db.session.expire_all()
    consumed = db.session.scalar(
        db.select(db.func.sum(ERecordConsumption.quantity)).where(ERecordConsumption.e_record_id == record.id)
    )
    assert Decimal(consumed) == Decimal("100000")
    assert db.session.get(ERecord, record.id).status == "used"
    refusals = {r["code"] for status, body in results if status == 409 for r in body["detail"]["reasons"]}
    assert refusals <= {"used", "over_consumption"}


def test_whole_consumption_leaves_nothing_on_the_balance(client, factories):
    ent = factories.enterprise()
    record = factories.e_record(ent)
    body = {"customs_code": ent.customs_code, "hs_codes": ["4419121000"], "customs_declaration_no": "5301W1"}
    used = client.post(_url(record, "consume"), json=body, headers=_clearance(factories))
    assert used.status_code == 200
    assert used.get_json()["e_record"]["balance"][0]["remaining"] == "0.000"
    refused = client.post(
        _url(record, "consume"), json=_body(ent, "5301W2", (1, 1, {})), headers=_clearance(factories)
    )
    assert [r["code"] for r in refused.get_json()["detail"]["reasons"]][0] == "used"
