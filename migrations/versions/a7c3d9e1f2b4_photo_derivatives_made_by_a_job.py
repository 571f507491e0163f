"""photo derivatives made by a job after the upload is acknowledged

Revision ID: a7c3d9e1f2b4
Revises: 35bcd74c4248
Create Date: 2026-12-06 03:40:00

"""
from alembic import op
import sqlalchemy as sa

import backend.core.models

# revision identifiers, used by Alembic.
revision = 'a7c3d9e1f2b4'
down_revision = '35bcd74c4248'
branch_labels = None
depends_on = None


def upgrade():
    # Photos stored before this revision already have their copies: 'ready'.
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('derivatives_status', sa.String(length=10), server_default='ready', nullable=False))
        batch_op.add_column(sa.Column('derivatives_at', backend.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('display_sha256', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('display_width', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('display_height', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('thumbnail_sha256', existing_type=sa.String(length=64), nullable=True)
        batch_op.create_index('ix_photo_derivatives_pending', ['derivatives_status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_index('ix_photo_derivatives_pending')
        batch_op.alter_column('thumbnail_sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('display_height', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('display_width', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('display_sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('derivatives_at')
        batch_op.drop_column('derivatives_status')
