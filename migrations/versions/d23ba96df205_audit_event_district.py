"""audit event district: each row names the customs district whose administrators see it

Existing rows are attributed as record_event() now does by default: to the district of the actor (a
customs user's or system client's own, an enterprise user's enterprise's), and logins (written with no
actor) to the district of the user who logged in. Rows that name neither stay without a district and
are shown to no district administrator (backend.audit.service.query_events).

Revision ID: d23ba96df205
Revises: e6d9a8fe8b19
Create Date: 2026-11-27 14:13:45.290571

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd23ba96df205'
down_revision = 'e6d9a8fe8b19'
branch_labels = None
depends_on = None

# The district a user belongs to: their enterprise's, or their own (customs users, system clients).
_OWNING_DISTRICT = (
    "SELECT COALESCE(e.district_code, u.district_code) FROM user_account u "
    "LEFT JOIN enterprise e ON e.id = u.enterprise_id WHERE {match}"
)


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_code', sa.String(length=4), nullable=True))
        batch_op.create_index('ix_audit_event_district_id', ['district_code', 'id'], unique=False)

    by_actor = _OWNING_DISTRICT.format(match="u.id = audit_event.actor_user_id")
    op.execute(f"UPDATE audit_event SET district_code = ({by_actor}) WHERE actor_user_id IS NOT NULL")
    by_login = _OWNING_DISTRICT.format(match="CAST(u.id AS VARCHAR(64)) = audit_event.entity_id")
    op.execute(
        f"UPDATE audit_event SET district_code = ({by_login}) "
        "WHERE actor_user_id IS NULL AND entity_type = 'user' "
        "AND action IN ('identity.login', 'identity.login_failed')"
    )


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_district_id')
        batch_op.drop_column('district_code')
