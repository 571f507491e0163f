"""merge instructions/inspections/sync, e-record catalog and media heads

Revision ID: ef7542ae512b
Revises: 2f42652668c4, 765f4fdb21af, 77da12a3b43c
Create Date: 2026-11-27 07:29:53.919310

"""
from alembic import op
import sqlalchemy as sa

import backend.core.models


# revision identifiers, used by Alembic.
revision = 'ef7542ae512b'
down_revision = ('2f42652668c4', '765f4fdb21af', '77da12a3b43c')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
