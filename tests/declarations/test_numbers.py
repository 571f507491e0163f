"""检验检疫编号: layout, and allocation that is race-free and gap-free except on rollback."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from backend.core.auth import actor_from_token
from backend.core.enums import Role
from backend.declarations import numbers, service
from backend.declarations.models import Declaration
from backend.declarations.schemas import DeclarationBodySchema
from backend.extensions import db
from tests.declarations.bodies import registered_body


def test_layout_and_parse():
    number = numbers.format_inspection_no(year=2026, channel="N", district_code="5300", serial=13904)
    assert number == "226N53000013904" and len(number) == 15
    assert numbers.parse_inspection_no("226N23010013904") == {
        "direction": "2",
        "year": 2026,
        "channel": "N",
        "district_code": "2301",
        "serial": 13904,
    }
    assert numbers.parse_inspection_no("226n23010013904") is None
    assert numbers.parse_inspection_no("22623010013904") is None


def test_year_is_the_china_year():
    new_year_in_beijing = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert numbers.china_year(new_year_in_beijing) == 2027


def test_serials_per_district_and_year_and_channels_share_them(app):
    at = datetime(2026, 5, 1, tzinfo=UTC)
    first = numbers.allocate_inspection_no(district_code="5300", source="web", at=at)
    second = numbers.allocate_inspection_no(district_code="5300", source="single_window", at=at)
    other = numbers.allocate_inspection_no(district_code="5100", source="web", at=at)
    next_year = numbers.allocate_inspection_no(
        district_code="5300", source="web", at=datetime(2027, 3, 1, tzinfo=UTC)
    )
    db.session.commit()
    assert (first, second, other, next_year) == (
        "226N53000000001",
        "226W53000000002",
        "226N51000000001",
        "227N53000000001",
    )


def test_a_rolled_back_number_is_handed_out_again(app):
    at = datetime(2026, 5, 1, tzinfo=UTC)
    numbers.allocate_inspection_no(district_code="5300", source="web", at=at)
    db.session.commit()
    lost = numbers.allocate_inspection_no(district_code="5300", source="web", at=at)
    db.session.rollback()
    again = numbers.allocate_inspection_no(district_code="5300", source="web", at=at)
    db.session.commit()
    assert lost == again == "226N53000000002"


def _concurrent_submissions(app, factories, count: int, workers: int) -> list[str]:
    enterprise = factories.enterprise(customs_code="4403160C01")
    user = factories.user(Role.ENTERPRISE, enterprise=enterprise)
    token = factories.headers(user)["Authorization"].split()[1]
    data = DeclarationBodySchema().load(registered_body(factories, enterprise, "chopsticks"))
    actor = actor_from_token(token)
    ids = [service.create_draft(actor=actor, data=data).id for _ in range(count)]
    db.session.remove()
    barrier = threading.Barrier(workers)
    local = threading.local()

    def submit(declaration_id: int) -> str:
        with app.app_context():
            if not getattr(local, "waited", False):
                local.waited = True
                barrier.wait(timeout=60)  # every worker starts at once
            declaration = service.submit_declaration(actor=actor, declaration_id=declaration_id)
            number = declaration.inspection_no
            db.session.remove()
            return number

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(submit, ids))
    stored = db.session.execute(db.select(Declaration.inspection_no).where(Declaration.id.in_(ids))).scalars()
    assert sorted(stored) == sorted(results)
    return results


def _serials(results: list[str]) -> list[int]:
    return sorted(numbers.parse_inspection_no(n)["serial"] for n in results)


def test_200_concurrent_submissions_get_distinct_gap_free_serials(app, factories):
    """Run on PostgreSQL (row lock) and SQLite (BEGIN IMMEDIATE); a racy allocation fails it."""
    results = _concurrent_submissions(app, factories, count=200, workers=16)
    assert len(set(results)) == 200
    assert _serials(results) == list(range(1, 201))


def test_a_few_concurrent_submissions(app, factories):
    results = _concurrent_submissions(app, factories, count=12, workers=4)
    assert _serials(results) == list(range(1, 13))
