"""daily counts of instructions, inspections, certificates; late dispositions; e-records know their district

Revision ID: b3f60c2d8e41
Revises: 9d41c6b07e5a
Create Date: 2026-12-06 09:40:00

The overview's instructions, inspections, certificates and intelligent review's decisions, and the
dispositions concluded late, join the daily roll-up. The days already rolled up are forgotten, so the
next roll-up (beat's statistics.roll_up, or `flask statistics rollup`) stores every figure of them.
E-records carry their application's district (filled from it here) so the board counts them alone; the
board's application index covers the id, for the notices without an instruction.
"""
from alembic import op
import sqlalchemy as sa

import backend.core.models


# revision identifiers, used by Alembic.
revision = 'b3f60c2d8e41'
down_revision = '9d41c6b07e5a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('statistics_daily_count',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('figure', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'district_code', 'channel', 'figure', 'key',
                            name=op.f('pk_statistics_daily_count'))
    )
    op.create_table('statistics_late_disposition',
    sa.Column('instruction_id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('inspection_no', sa.String(length=20), nullable=True),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('accepted_at', backend.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline', backend.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', backend.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('instruction_id', name=op.f('pk_statistics_late_disposition'))
    )
    with op.batch_alter_table('statistics_late_disposition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statistics_late_disposition_deadline'), ['deadline'], unique=False)

    with op.batch_alter_table('e_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_code', sa.String(length=4), nullable=True))
    op.execute(
        'UPDATE e_record SET district_code = '
        '(SELECT declaration.district_code FROM declaration WHERE declaration.id = e_record.declaration_id)'
    )
    with op.batch_alter_table('e_record', schema=None) as batch_op:
        batch_op.alter_column('district_code', existing_type=sa.String(length=4), nullable=False)
        batch_op.drop_index('ix_e_record_status_valid_until')
        batch_op.create_index('ix_e_record_status_valid_until', ['status', 'valid_until', 'district_code'],
                              unique=False)
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_index('ix_declaration_district_status')
        batch_op.create_index('ix_declaration_district_status', ['district_code', 'status', 'id'], unique=False)

    for table in ('statistics_daily_receipt', 'statistics_daily_duration', 'statistics_monthly_duration',
                  'statistics_rolled_up_day'):
        op.execute(f'DELETE FROM {table}')


def downgrade():
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_index('ix_declaration_district_status')
        batch_op.create_index('ix_declaration_district_status', ['district_code', 'status'], unique=False)
    with op.batch_alter_table('e_record', schema=None) as batch_op:
        batch_op.drop_index('ix_e_record_status_valid_until')
        batch_op.create_index('ix_e_record_status_valid_until', ['status', 'valid_until'], unique=False)
        batch_op.drop_column('district_code')
    with op.batch_alter_table('statistics_late_disposition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistics_late_disposition_deadline'))
    op.drop_table('statistics_late_disposition')
    op.drop_table('statistics_daily_count')
