"""large exports written by a job and kept for their requester

Revision ID: c5e81f3a9d27
Revises: a7c3d9e1f2b4
Create Date: 2026-12-06 07:00:00

"""
from alembic import op
import sqlalchemy as sa

import backend.core.models

# revision identifiers, used by Alembic.
revision = 'c5e81f3a9d27'
down_revision = 'a7c3d9e1f2b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'export_jobs',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('actor', sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), 'postgresql'), nullable=False),
        sa.Column('route', sa.String(length=200), nullable=False),
        sa.Column('request_path', sa.String(length=300), nullable=False),
        sa.Column('query_string', sa.Text(), nullable=False),
        sa.Column('file_format', sa.String(length=8), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('created_at', backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('expires_at', backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs')),
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_jobs_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_jobs_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_jobs_expires_at'))
        batch_op.drop_index(batch_op.f('ix_export_jobs_user_id'))
    op.drop_table('export_jobs')
