"""The migration that gives audit rows a district attributes the rows written before it."""

import sqlalchemy as sa
from flask_migrate import upgrade

from backend import create_app
from backend.extensions import db
from tests.conftest import TestConfig

BEFORE_DISTRICTS = "e6d9a8fe8b19"
NOW = "2026-01-05 08:00:00+00:00"


def test_existing_rows_get_the_district_of_their_actor_or_of_the_user_who_logged_in(fresh_database_url):
    class MigratedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url

    app = create_app(MigratedConfig)
    with app.app_context():
        upgrade(revision=BEFORE_DISTRICTS)
        statements = [
            "INSERT INTO district (code, name_zh, name_en) VALUES ('5300', '深圳海关', 'Shenzhen'), "
            "('2200', '上海海关', 'Shanghai')",
            "INSERT INTO enterprise (id, customs_code, name_zh, credit_grade, district_code, created_at, "
            f"updated_at) VALUES (7, '2200960001', '上海企业', 'general', '2200', '{NOW}', '{NOW}')",
            "INSERT INTO user_account (id, username, display_name, role, enterprise_id, district_code, "
            "active, created_at, updated_at) VALUES "
            f"(11, 'admin-sz', 'A', 'administrator', NULL, '5300', true, '{NOW}', '{NOW}'), "
            f"(12, 'trader-sh', 'T', 'enterprise', 7, NULL, true, '{NOW}', '{NOW}')",
            "INSERT INTO audit_event (id, occurred_at, actor_user_id, actor_username, action, entity_type, "
            f"entity_id) VALUES (1, '{NOW}', 11, 'admin-sz', 'identity.user_created', 'user', '12'), "
            f"(2, '{NOW}', 12, 'trader-sh', 'identity.logout', 'user', '12'), "
            f"(3, '{NOW}', NULL, 'system', 'identity.login', 'user', '12'), "
            f"(4, '{NOW}', NULL, 'system', 'identity.login_failed', 'user', '11'), "
            f"(5, '{NOW}', NULL, 'system', 'e_record.expired', 'e_record', '11')",
        ]
        with db.engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, district_code FROM audit_event ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(1, "5300"), (2, "2200"), (3, "2200"), (4, "5300"), (5, None)]
        db.session.remove()
        db.engine.dispose()
