"""Which transactions may write: read-only requests begin deferred on SQLite, everything else takes the
write lock at BEGIN (BEGIN IMMEDIATE), GET views that write included."""

import pytest

from backend.core.sqlite import reads_only


@pytest.mark.parametrize(
    "method, path, reading",
    [
        ("GET", "/api/v1/declarations/lookup", True),
        ("HEAD", "/api/v1/declarations/7", True),
        ("POST", "/api/v1/declarations/7/submit", False),
        ("PUT", "/api/v1/declarations/7", False),
        # GET views that write (a print count, a lease, an audited download) are marked writes_on_read.
        ("GET", "/api/v1/certificates/530026180000001/pdf", False),
        ("GET", "/api/v1/sync/pull", False),
        ("GET", "/api/v1/inspections/7/evidence-bundle", False),
    ],
)
def test_only_safe_requests_of_unmarked_views_read_without_the_write_lock(app, method, path, reading):
    with app.test_request_context(path, method=method):
        assert reads_only() is reading


def test_outside_a_request_transactions_may_write(app):
    assert reads_only() is False
