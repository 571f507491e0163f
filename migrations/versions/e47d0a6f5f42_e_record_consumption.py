"""核销: partial consumption of an e-record by export customs declaration lines

Revision ID: e47d0a6f5f42
Revises: 5b8e2f71c9d3
Create Date: 2026-12-06 06:45:00

"""
from alembic import op
import sqlalchemy as sa

import backend.core.models

# revision identifiers, used by Alembic.
revision = 'e47d0a6f5f42'
down_revision = "5b8e2f71c9d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'e_record_consumption',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('e_record_id', sa.Integer(), nullable=False),
        sa.Column('customs_declaration_no', sa.String(length=40), nullable=False),
        sa.Column('line_no', sa.Integer(), nullable=False),
        sa.Column('goods_line_no', sa.Integer(), nullable=False),
        sa.Column('hs_code', sa.String(length=10), nullable=False),
        sa.Column('quantity', sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column('quantity_unit', sa.String(length=10), nullable=False),
        sa.Column('net_weight', sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column('packages', sa.Integer(), nullable=True),
        sa.Column('port_of_exit', sa.String(length=10), nullable=False),
        sa.Column('destination_country', sa.String(length=3), nullable=False),
        sa.Column('consumed_by', sa.String(length=120), nullable=False),
        sa.Column('consumed_at', backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['e_record_id'], ['e_record.id'], name=op.f('fk_e_record_consumption_e_record_id_e_record')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_e_record_consumption')),
        sa.UniqueConstraint('customs_declaration_no', 'line_no', name='uq_e_record_consumption_line'),
    )
    with op.batch_alter_table('e_record_consumption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_e_record_consumption_e_record_id'), ['e_record_id'], unique=False)


def downgrade():
    with op.batch_alter_table('e_record_consumption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_e_record_consumption_e_record_id'))
    op.drop_table('e_record_consumption')
