"""A certificate's issue date, and the year in its number, are China Standard Time (UTC+8) like
inspection numbers: what the clock on a wall in Shenzhen says, whatever the server's zone."""

from datetime import UTC, datetime

import pytest

from backend.certificates.models import Certificate
from backend.extensions import db
from tests.certificates_shared.fixtures import issue_certificate

AMENDMENTS = "/api/v1/certificate-amendments"


def frozen(monkeypatch, module: str, at: datetime) -> None:
    """Stop the clock `module` reads at `at` (a UTC instant)."""
    monkeypatch.setattr(f"{module}.utcnow", lambda: at)


@pytest.mark.parametrize(
    ("utc", "china_date", "year"),
    [
        (datetime(2026, 12, 5, 16, 30, tzinfo=UTC), "2026-12-06", "26"),  # 00:30 on 6 December in Shenzhen
        (datetime(2026, 12, 31, 16, 30, tzinfo=UTC), "2027-01-01", "27"),  # already next year there
        (datetime(2026, 12, 6, 15, 59, tzinfo=UTC), "2026-12-06", "26"),  # 23:59 the same day
    ],
)
def test_issue_date_and_number_year_are_china_time(
    client, monkeypatch, apply_for, key_headers, utc, china_date, year
):
    frozen(monkeypatch, "backend.certificate_applications.content", utc)
    certificate = issue_certificate(client, apply_for, key_headers)
    assert certificate.content["issue_date"] == china_date
    assert certificate.certificate_no[4:6] == year and certificate.year == int("20" + year)
    assert client.get(f"/api/v1/verify/{certificate.certificate_no}").get_json()["issue_date"] == china_date


def test_a_replacement_is_dated_in_china_time(client, monkeypatch, apply_for, key_headers, officer_headers):
    certificate = issue_certificate(client, apply_for, key_headers)
    created = client.post(
        f"/api/v1/certificates/{certificate.certificate_no}/amendments",
        json={"kind": "replace", "reason": "证书污损"},
        headers=key_headers,
    ).get_json()
    frozen(monkeypatch, "backend.amendments.service", datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    approved = client.post(f"{AMENDMENTS}/{created['id']}/approve", headers=officer_headers).get_json()
    new = db.session.execute(
        db.select(Certificate).where(Certificate.certificate_no == approved["new_certificate_no"])
    ).scalar_one()
    assert new.content["issue_date"] == "2027-01-01" and new.certificate_no[4:6] == "27"
