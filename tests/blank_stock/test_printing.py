"""Blank paper, printing originals once per serial, spoiled sheets, reprint approval, counter printing
and the reconciliation report."""


import pytest

from backend.blank_stock import printing
from backend.blank_stock import service as blank_stock
from backend.blank_stock.models import BlankSheet, CertificatePrint
from backend.certificate_applications.service import create_application, submit_application
from backend.certificates.models import Certificate
from backend.core.enums import Role
from backend.extensions import db
from tests.certificates_shared.fixtures import actor_of, phyto_form
from tests.helpers import race

STOCK = "/api/v1/blank-stock"


def issue(exporter_user, e_record, *, delivery="self_print", quantity="10") -> Certificate:
    """A certificate issued through an application for a slice of the declared goods."""
    actor = actor_of(exporter_user)
    form = phyto_form()
    form["goods"][0].update(quantity=quantity, net_weight="1")
    draft = create_application(
        actor=actor, e_record_no=e_record.e_record_no, type_code="18", form=form, delivery=delivery
    )
    application = submit_application(actor=actor, application_id=draft.id)
    if application.certificate_id is None:  # a second slice is referred (no_second_original): approve it
        from backend.certificate_applications.service import approve_application
        from tests.helpers import make_user

        officer = make_user(Role.CERTIFICATE_OFFICER, district_code="5300")
        application = approve_application(actor=actor_of(officer), application_id=application.id)
    return db.session.get(Certificate, application.certificate_id)


@pytest.fixture
def received_stock(client, key_headers, officer_headers):
    """Five sheets of type 18 allocated to the exporter and received."""
    requested = client.post(STOCK, json={"type_code": "18", "quantity": 5}, headers=key_headers).get_json()
    assert requested["status"] == "requested"
    allocated = client.post(f"{STOCK}/{requested['id']}/allocate", headers=officer_headers).get_json()
    assert allocated["status"] == "allocated"
    received = client.post(f"{STOCK}/{requested['id']}/receive", headers=key_headers).get_json()
    assert received["status"] == "received"
    return received


def print_(client, certificate, serial, headers, **body):
    return client.post(
        f"/api/v1/certificates/{certificate.certificate_no}/print",
        json={"serial": serial, **body},
        headers=headers,
    )


def test_serial_ranges_never_overlap_and_receipt_comes_before_printing(
    client, factories, key_headers, officer_headers, exporter_user, e_record
):
    first = client.post(STOCK, json={"type_code": "18", "quantity": 5}, headers=key_headers).get_json()
    other = factories.headers(factories.user(Role.ENTERPRISE), "key")
    second = client.post(STOCK, json={"type_code": "18", "quantity": 3}, headers=other).get_json()
    quality = client.post(STOCK, json={"type_code": "11", "quantity": 2}, headers=key_headers).get_json()
    b = client.post(f"{STOCK}/{second['id']}/allocate", headers=officer_headers).get_json()
    a = client.post(f"{STOCK}/{first['id']}/allocate", headers=officer_headers).get_json()
    q = client.post(f"{STOCK}/{quality['id']}/allocate", headers=officer_headers).get_json()
    assert (b["serial_first"], b["serial_last"]) == (1, 3)
    assert (a["serial_first"], a["serial_last"]) == (4, 8)
    assert (q["serial_first"], q["serial_last"]) == (1, 2)
    again = client.post(f"{STOCK}/{first['id']}/allocate", headers=officer_headers)
    assert again.status_code == 409 and again.get_json()["error"] == "blank_stock.invalid_transition"
    certificate = issue(exporter_user, e_record)
    not_yet = print_(client, certificate, 4, key_headers)
    assert not_yet.status_code == 409 and not_yet.get_json()["error"] == "blank_stock.sheet_unavailable"
    assert client.post(f"{STOCK}/{second['id']}/receive", headers=key_headers).status_code == 404
    client.post(f"{STOCK}/{first['id']}/receive", headers=key_headers)
    assert print_(client, certificate, 1, key_headers).status_code == 409  # another enterprise's sheet
    assert print_(client, certificate, 4, key_headers).status_code == 200


def test_print_spoil_reprint_and_copies(
    client, key_headers, officer_headers, exporter_user, e_record, received_stock
):
    certificate = issue(exporter_user, e_record)
    printed = print_(client, certificate, 1, key_headers)
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    assert printed.headers["X-Certificate-Variant"] == "original" and printed.data.startswith(b"%PDF")
    again = print_(client, certificate, 2, key_headers)
    assert again.status_code == 409 and again.get_json()["error"] == "certificate_print.reprint_required"
    other = issue(exporter_user, e_record)
    used = print_(client, other, 1, key_headers)
    assert used.status_code == 409 and used.get_json()["error"] == "blank_stock.sheet_unavailable"
    spoil = {"type_code": "18", "serial": 1, "reason": "卡纸 paper jam"}
    spoiled = client.post("/api/v1/blank-sheets/spoil", json=spoil, headers=key_headers)
    assert spoiled.status_code == 200 and spoiled.get_json()["status"] == "spoiled"
    assert client.post("/api/v1/blank-sheets/spoil", json=spoil, headers=key_headers).status_code == 409
    reprints = f"/api/v1/certificates/{certificate.certificate_no}/reprint-requests"
    assert client.post(reprints, json={}, headers=key_headers).status_code == 422  # a reason is required
    request = client.post(reprints, json={"reason": "卡纸重打"}, headers=key_headers).get_json()
    assert request["status"] == "requested"
    assert request["certificate_no"] == certificate.certificate_no
    pending = print_(client, certificate, 2, key_headers, reprint_request_id=request["id"])
    assert pending.get_json()["error"] == "certificate_print.reprint_required"
    approved = client.post(
        f"/api/v1/reprint-requests/{request['id']}/approve", json={}, headers=officer_headers
    )
    assert approved.get_json()["status"] == "approved"
    reprinted = print_(client, certificate, 2, key_headers, reprint_request_id=request["id"])
    assert reprinted.status_code == 200
    assert reprinted.headers["X-Certificate-Variant"] == "original"  # the first sheet was spoiled
    reused = print_(client, certificate, 3, key_headers, reprint_request_id=request["id"])
    assert reused.get_json()["error"] == "certificate_print.reprint_required"
    second = client.post(reprints, json={"reason": "客户要求另一份正本"}, headers=key_headers).get_json()
    client.post(f"/api/v1/reprint-requests/{second['id']}/approve", json={}, headers=officer_headers)
    duplicate = print_(client, certificate, 3, key_headers, reprint_request_id=second["id"])
    assert duplicate.headers["X-Certificate-Variant"] == "duplicate_original"
    third = client.post(reprints, json={"reason": "再打一份"}, headers=key_headers).get_json()
    rejected = client.post(
        f"/api/v1/reprint-requests/{third['id']}/reject", json={"note": "不予"}, headers=officer_headers
    )
    assert rejected.get_json()["status"] == "rejected"
    copy = client.get(
        f"/api/v1/certificates/{certificate.certificate_no}/pdf?variant=copy", headers=key_headers
    )
    assert copy.status_code == 200 and copy.headers["X-Certificate-Variant"] == "copy"
    original_download = client.get(
        f"/api/v1/certificates/{certificate.certificate_no}/pdf?variant=original", headers=officer_headers
    )
    assert original_download.status_code == 409
    assert original_download.get_json()["error"] == "certificate_print.use_print"
    prints = db.session.execute(db.select(CertificatePrint).order_by(CertificatePrint.id)).scalars().all()
    assert [(p.sheet.serial, p.variant, p.channel, p.printed_by_id) for p in prints] == [
        (1, "original", "self_print", exporter_user.id),
        (2, "original", "self_print", exporter_user.id),
        (3, "duplicate_original", "self_print", exporter_user.id),
    ]
    report = client.get(f"{STOCK}/reconciliation?type_code=18", headers=key_headers).get_json()
    assert {
        k: report[k]
        for k in (
            "allocated",
            "received",
            "consumed",
            "spoiled",
            "spoiled_after_print",
            "remaining",
            "certificates_issued",
            "prints",
        )
    } == {
        "allocated": 5,
        "received": 5,
        "consumed": 3,
        "spoiled": 1,
        "spoiled_after_print": 1,
        "remaining": 2,
        "certificates_issued": 2,
        "prints": 3,
    }
    assert report["mismatches"] == [
        {"kind": "issued_not_printed", "serial": None, "certificate_no": other.certificate_no}
    ]


def test_unused_sheet_can_be_spoiled_and_is_never_printed(
    client, key_headers, exporter_user, e_record, received_stock
):
    body = {"type_code": "18", "serial": 5, "reason": "污损 stained"}
    assert client.post("/api/v1/blank-sheets/spoil", json=body, headers=key_headers).status_code == 200
    certificate = issue(exporter_user, e_record)
    assert print_(client, certificate, 5, key_headers).get_json()["error"] == "blank_stock.sheet_unavailable"
    sheet = db.session.execute(db.select(BlankSheet).where(BlankSheet.serial == 5)).scalar_one()
    assert sheet.spoiled_reason == "污损 stained" and sheet.spoiled_by_id == exporter_user.id


def test_counter_delivery_is_printed_by_the_officer_from_customs_stock(
    client, key_headers, officer_headers, exporter_user, e_record
):
    certificate = issue(exporter_user, e_record, delivery="counter")
    refused = print_(client, certificate, 1, key_headers)
    assert refused.status_code == 409 and refused.get_json()["error"] == "certificate_print.not_self_print"
    counter = client.post(
        f"{STOCK}/counter", json={"type_code": "18", "quantity": 2}, headers=officer_headers
    )
    assert counter.status_code == 201 and counter.get_json()["status"] == "received"
    printed = print_(client, certificate, 1, officer_headers)
    assert printed.status_code == 200 and printed.headers["X-Certificate-Variant"] == "original"
    record = db.session.execute(db.select(CertificatePrint)).scalar_one()
    assert record.channel == "counter"


def test_scoping_and_key_login(client, factories, key_headers, exporter_user, e_record, received_stock):
    other_officer = factories.headers(factories.user(Role.CERTIFICATE_OFFICER, district_code="5100"), "key")
    requested = client.post(STOCK, json={"type_code": "18", "quantity": 1}, headers=key_headers).get_json()
    assert client.post(f"{STOCK}/{requested['id']}/allocate", headers=other_officer).status_code == 404
    certificate = issue(exporter_user, e_record)
    stranger = factories.headers(factories.user(Role.ENTERPRISE), "key")
    assert print_(client, certificate, 1, stranger).status_code == 404
    report = client.get(
        f"{STOCK}/reconciliation?type_code=18&enterprise_id={exporter_user.enterprise_id}",
        headers=other_officer,
    )
    assert report.status_code == 404
    password = factories.headers(exporter_user, "password")
    for method, url, body in [
        ("get", STOCK, None),
        ("post", STOCK, {"type_code": "18", "quantity": 1}),
        ("post", f"{STOCK}/{requested['id']}/receive", None),
        ("post", "/api/v1/blank-sheets/spoil", {"type_code": "18", "serial": 1, "reason": "x"}),
        ("get", f"{STOCK}/reconciliation?type_code=18", None),
        ("post", f"/api/v1/certificates/{certificate.certificate_no}/print", {"serial": 1}),
        ("post", f"/api/v1/certificates/{certificate.certificate_no}/reprint-requests", {"reason": "x"}),
    ]:
        response = getattr(client, method)(url, json=body, headers=password)
        assert response.get_json()["error"] == "auth.key_required", url


def test_two_concurrent_prints_on_one_serial_one_wins(app, exporter_user, e_record, received_stock):
    first, second = issue(exporter_user, e_record), issue(exporter_user, e_record)
    actor = actor_of(exporter_user)
    numbers = [first.certificate_no, second.certificate_no]
    db.session.remove()

    def printer(number):
        return lambda: printing.print_original(actor=actor, certificate_no=number, serial=3)[1].variant

    results = race(app, [printer(n) for n in numbers])
    assert sorted(map(str, results)) == ["blank_stock.sheet_unavailable", "original"], results
    assert db.session.execute(db.select(db.func.count(CertificatePrint.id))).scalar_one() == 1
    sheet = db.session.execute(db.select(BlankSheet).where(BlankSheet.serial == 3)).scalar_one()
    assert sheet.status == "printed"


def test_two_concurrent_first_prints_of_one_certificate_one_wins(
    app, exporter_user, e_record, received_stock
):
    number = issue(exporter_user, e_record).certificate_no
    actor = actor_of(exporter_user)
    db.session.remove()

    def printer(serial):
        return lambda: printing.print_original(actor=actor, certificate_no=number, serial=serial)[1].variant

    results = race(app, [printer(1), printer(2)])
    assert sorted(map(str, results)) == ["certificate_print.reprint_required", "original"], results


def test_concurrent_allocations_never_overlap(app, factories, officer_user):
    users = [factories.user(Role.ENTERPRISE) for _ in range(6)]
    requests = [blank_stock.request_stock(actor=actor_of(u), type_code="19", quantity=4).id for u in users]
    officer = actor_of(officer_user)
    db.session.remove()

    def allocator(stock_id):
        return lambda: (lambda s: (s.serial_first, s.serial_last))(
            blank_stock.allocate_stock(actor=officer, stock_id=stock_id)
        )

    ranges = sorted(race(app, [allocator(i) for i in requests]))
    assert ranges == [(1 + 4 * i, 4 + 4 * i) for i in range(6)], ranges
    assert db.session.execute(db.select(db.func.count(BlankSheet.id))).scalar_one() == 24
