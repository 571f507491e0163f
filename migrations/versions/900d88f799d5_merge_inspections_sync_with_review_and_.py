"""merge inspections/sync with review and certificates

Revision ID: 900d88f799d5
Revises: 22456b2d1020, ba08a54c62ba
Create Date: 2026-11-27 08:19:06.290740

"""
from alembic import op
import sqlalchemy as sa

import backend.core.models


# revision identifiers, used by Alembic.
revision = '900d88f799d5'
down_revision = ('22456b2d1020', 'ba08a54c62ba')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
