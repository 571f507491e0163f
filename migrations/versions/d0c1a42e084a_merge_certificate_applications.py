"""merge certificate applications

Revision ID: d0c1a42e084a
Revises: 2b635995d2c7, 900d88f799d5
Create Date: 2026-11-27 08:28:11.050375

"""
from alembic import op
import sqlalchemy as sa

import backend.core.models


# revision identifiers, used by Alembic.
revision = 'd0c1a42e084a'
down_revision = ('2b635995d2c7', '900d88f799d5')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
