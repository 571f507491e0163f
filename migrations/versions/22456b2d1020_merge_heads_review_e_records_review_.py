"""merge heads: review (e-records, review, appointments) and certificates/media

Revision ID: 22456b2d1020
Revises: c5bb64b9a4ba, e2ad0dc5dd69
Create Date: 2026-11-27 07:50:24.212598

"""
from alembic import op
import sqlalchemy as sa

import backend.core.models


# revision identifiers, used by Alembic.
revision = '22456b2d1020'
down_revision = ('c5bb64b9a4ba', 'e2ad0dc5dd69')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
