"""timeliness durations in the daily roll-up, indexes for the board's counts

Revision ID: e216f8b96915
Revises: e47d0a6f5f42
Create Date: 2026-12-06 06:50:00

The days already rolled up have no durations: they are forgotten, so the next roll-up (beat's
statistics.roll_up, or `flask statistics rollup`) stores them again, receipts and durations alike.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e216f8b96915'
down_revision = "e47d0a6f5f42"
branch_labels = None
depends_on = None

BOARD_INDEXES = (
    ('declaration', 'ix_declaration_district_status', ['district_code', 'status']),
    ('instruction', 'ix_instruction_status_district', ['status', 'district_code']),
    ('instruction', 'ix_instruction_status_deadline', ['status', 'deadline', 'district_code']),
    ('appointment', 'ix_appointment_status_district', ['status', 'district_code']),
    ('blank_stock', 'ix_blank_stock_status_district', ['status', 'district_code']),
    ('e_record', 'ix_e_record_status_valid_until', ['status', 'valid_until']),
)


def upgrade():
    op.create_table('statistics_daily_duration',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('end_day', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('hs_chapter', sa.String(length=2), nullable=False),
    sa.Column('inspector', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'end_day', 'district_code', 'channel', 'hs_chapter', 'inspector', 'stage',
                            'seconds', name=op.f('pk_statistics_daily_duration'))
    )
    op.create_table('statistics_monthly_duration',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('seconds_sum', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'district_code', 'stage', 'bucket', name=op.f('pk_statistics_monthly_duration'))
    )
    op.execute('DELETE FROM statistics_daily_receipt')
    op.execute('DELETE FROM statistics_rolled_up_day')
    for table, name, columns in BOARD_INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _ in reversed(BOARD_INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    op.drop_table('statistics_monthly_duration')
    op.drop_table('statistics_daily_duration')
