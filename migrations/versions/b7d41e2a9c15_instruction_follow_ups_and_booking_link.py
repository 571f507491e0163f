"""instructions: a re-inspection names the instruction it follows; a confirmed booking names its instruction

Revision ID: b7d41e2a9c15
Revises: 6145e34eb97c
Create Date: 2026-12-06 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b7d41e2a9c15'
down_revision = '6145e34eb97c'
branch_labels = None
depends_on = None


def upgrade():
    # 处置 → 熏蒸 → 复检: the follow-up instruction points at the one whose finding it follows.
    with op.batch_alter_table('instruction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follows_instruction_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_instruction_follows_instruction_id'), ['follows_instruction_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_instruction_follows_instruction_id_instruction'),
            'instruction',
            ['follows_instruction_id'],
            ['id'],
        )
    # 预约查检: the instruction a confirmed booking is for (shown on the inspector's phone).
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instruction_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_appointment_instruction_id'), ['instruction_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_appointment_instruction_id_instruction'), 'instruction', ['instruction_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_instruction_id_instruction'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appointment_instruction_id'))
        batch_op.drop_column('instruction_id')
    with op.batch_alter_table('instruction', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_instruction_follows_instruction_id_instruction'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_instruction_follows_instruction_id'))
        batch_op.drop_column('follows_instruction_id')
