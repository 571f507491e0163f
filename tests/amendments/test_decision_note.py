"""The officer's decision note on an amend / replace / withdraw request is kept and shown, on approval too."""

from tests.amendments.test_amendments import AMENDMENTS, issued, request  # noqa: F401  (fixture)


def test_the_approving_officers_note_is_kept_and_listed(client, issued, key_headers, officer_headers):  # noqa: F811
    created = request(client, issued, key_headers, kind="replace", reason="证书污损，申请重发").get_json()
    note = "已核对原证书正本，准予重发。"
    approved = client.post(
        f"{AMENDMENTS}/{created['id']}/approve", json={"note": note}, headers=officer_headers
    )
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["decision_note"] == note
    for headers in (officer_headers, key_headers):  # the officer's desk and the enterprise's list
        listed = client.get(AMENDMENTS, headers=headers).get_json()
        assert [(a["id"], a["decision_note"]) for a in listed] == [(created["id"], note)]


def test_approval_without_a_note_still_works(client, issued, key_headers, officer_headers):  # noqa: F811
    created = request(client, issued, key_headers, kind="replace", reason="证书污损，申请重发").get_json()
    approved = client.post(f"{AMENDMENTS}/{created['id']}/approve", headers=officer_headers)
    assert approved.status_code == 200 and approved.get_json()["decision_note"] is None
