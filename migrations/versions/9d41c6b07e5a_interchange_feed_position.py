"""互联互通: feed positions given after commit, so the pull feed never loses a late-committed receipt

Revision ID: 9d41c6b07e5a
Revises: e216f8b96915
Create Date: 2026-12-06 07:50:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "9d41c6b07e5a"
down_revision = "e216f8b96915"
branch_labels = None
depends_on = None


def upgrade():
    counter = op.create_table(
        "interchange_feed_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_position", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_outbox_message_feed", ["recipient_id", "feed_position"], unique=False)
    # The rows already there keep their place: position = id (the cursors handed out stay valid).
    op.execute("UPDATE outbox_message SET feed_position = id")
    last = op.get_bind().execute(sa.text("SELECT coalesce(max(id), 0) FROM outbox_message")).scalar()
    op.bulk_insert(counter, [{"id": 1, "last_position": last}])


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_feed")
        batch_op.drop_column("feed_position")
    op.drop_table("interchange_feed_counter")
