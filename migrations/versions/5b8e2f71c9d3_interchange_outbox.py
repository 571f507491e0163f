"""互联互通: the outbox of receipt messages owed to the Single Window

Revision ID: 5b8e2f71c9d3
Revises: c5e81f3a9d27
Create Date: 2026-12-06 07:00:00

"""
from alembic import op
import sqlalchemy as sa

import backend.core.models

# revision identifiers, used by Alembic.
revision = '5b8e2f71c9d3'
down_revision = "c5e81f3a9d27"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('message_id', sa.String(length=36), nullable=False),
        sa.Column('declaration_id', sa.Integer(), nullable=False),
        sa.Column('receipt_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('district_code', sa.String(length=4), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('lease_until', backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_response_status', sa.Integer(), nullable=True),
        sa.Column('last_response_body', sa.Text(), nullable=True),
        sa.Column('created_at', backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('delivered_at', backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('parked_at', backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['receipt_id'], ['receipt.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('declaration_id', 'sequence', name='uq_outbox_message_sequence'),
        sa.UniqueConstraint('message_id'),
        sa.UniqueConstraint('receipt_id'),
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_district_code', ['district_code'], unique=False)
        batch_op.create_index('ix_outbox_message_recipient', ['recipient_id', 'id'], unique=False)
        batch_op.create_index('ix_outbox_message_status', ['status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_status')
        batch_op.drop_index('ix_outbox_message_recipient')
        batch_op.drop_index('ix_outbox_message_district_code')
    op.drop_table('outbox_message')
