"""auth token security key: the key a key login was made with, so removing the key ends its sessions

Existing sessions keep no key (they end as before: logout, expiry, password change, deactivation).

Revision ID: 5b1f0c7e2a91
Revises: d23ba96df205
Create Date: 2026-11-27 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1f0c7e2a91'
down_revision = 'd23ba96df205'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('auth_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('security_key_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_auth_token_security_key_id'), ['security_key_id'], unique=False)


def downgrade():
    with op.batch_alter_table('auth_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_token_security_key_id'))
        batch_op.drop_column('security_key_id')
