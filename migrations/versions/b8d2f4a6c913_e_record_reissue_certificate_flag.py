"""an application may hold several e-records (…001 voided, …002 re-issued); certificates carry a flag

Revision ID: b8d2f4a6c913
Revises: a3c7e91f5b20
Create Date: 2026-12-06 03:50:00

"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "b8d2f4a6c913"
down_revision = "a3c7e91f5b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("e_record", schema=None) as batch_op:
        batch_op.drop_constraint("uq_e_record_declaration_id", type_="unique")
        batch_op.create_index(batch_op.f("ix_e_record_declaration_id"), ["declaration_id"], unique=False)
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flag", sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column("flagged_at", backend.core.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_column("flagged_at")
        batch_op.drop_column("flag")
    with op.batch_alter_table("e_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_e_record_declaration_id"))
        batch_op.create_unique_constraint("uq_e_record_declaration_id", ["declaration_id"])
