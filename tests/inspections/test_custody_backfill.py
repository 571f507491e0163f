"""The migration that chains custody records back-fills existing rows with the very hashes the app
writes: records made at head, un-chained by a downgrade and chained again by the upgrade, keep them."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from backend import create_app
from backend.core.enums import Role
from backend.extensions import db
from backend.seeds import seed_all_catalogs
from tests.conftest import TestConfig
from tests.helpers import (
    auth_headers,
    make_declaration,
    make_enterprise,
    make_instruction,
    make_op,
    make_user,
)

BEFORE_CHAIN = "b7d41e2a9c15"
CHAIN_COLUMNS = "SELECT inspection_id, seq, previous_sha256, record_sha256 FROM evidence_record ORDER BY id"


def test_the_back_fill_gives_existing_rows_the_hashes_the_app_writes(fresh_database_url):
    class MigratedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url

    app = create_app(MigratedConfig)
    with app.app_context():
        upgrade()
        seed_all_catalogs()
        db.session.commit()
        inspector = make_user(Role.INSPECTOR)
        declaration = make_declaration(make_enterprise(), status="inspection_notice")
        instruction = make_instruction(declaration, inspector=inspector)
        ops = [
            make_op("instruction.accept", instruction.id, base_version=2),
            make_op("instruction.start", instruction.id, base_version=3),
            *(
                make_op(
                    "item_result.set",
                    instruction.id,
                    base_version=0,
                    item_id=item.id,
                    body={
                        "result": "conforms",
                        "notes": "唛头清晰",
                        "measurements": {"moisture": {"value": "11.5", "unit": "%"}},
                    },
                )
                for item in instruction.items
            ),
        ]
        response = app.test_client().post(
            "/api/v1/sync/push",
            json={"device_id": "phone-a-0001", "operations": ops},
            headers=auth_headers(inspector),
        )
        results = response.get_json()["results"]
        assert {r["status"] for r in results} == {"applied"}, [
            r.get("errors") or r.get("message") for r in results
        ]
        written = db.session.execute(sa.text(CHAIN_COLUMNS)).all()
        assert [row.seq for row in written] == [1, 2, 3, 4]
        db.session.remove()
        downgrade(revision=BEFORE_CHAIN)
        upgrade()
        assert db.session.execute(sa.text(CHAIN_COLUMNS)).all() == written
        db.session.remove()
        db.engine.dispose()
