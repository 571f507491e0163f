"""Status changes are announced after commit: the enterprise's room hears its application's receipts,
the district's officers hear a referral."""

from backend.extensions import socketio
from tests.certificates_shared.fixtures import phyto_form


def _token(headers: dict) -> str:
    return headers["Authorization"].split(" ", 1)[1]


def _events(client) -> dict[str, list]:
    received: dict[str, list] = {}
    for message in client.get_received():
        received.setdefault(message["name"], []).append(message["args"][0])
    return received


def test_enterprise_hears_receipts_and_officers_hear_referrals(
    app, client, apply_for, key_headers, officer_headers
):
    draft = apply_for(form=phyto_form(destination_country="KOR"))
    # Connecting ends the test's database session (the handler cleans up), so connect after the draft.
    enterprise = socketio.test_client(app, auth={"token": _token(key_headers)})
    officer = socketio.test_client(app, auth={"token": _token(officer_headers)})
    assert enterprise.is_connected() and officer.is_connected()
    client.post(f"/api/v1/certificate-applications/{draft['id']}/submit", json={}, headers=key_headers)
    heard = _events(enterprise)
    statuses = [m["status"] for m in heard["certificate_application.receipt"]]
    assert statuses == ["submitted", "officer_review"]
    assert "certificate_application.referred" not in heard
    referred = _events(officer)["certificate_application.referred"]
    assert referred == [{"application_id": draft["id"], "failed_rules": ["destination_consistent"]}]
    client.post(f"/api/v1/certificate-applications/{draft['id']}/approve", json={}, headers=officer_headers)
    assert [m["status"] for m in _events(enterprise)["certificate_application.receipt"]] == ["issued"]
    enterprise.disconnect()
    officer.disconnect()
