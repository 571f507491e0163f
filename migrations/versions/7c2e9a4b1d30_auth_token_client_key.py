"""auth token client key: the system-client key a client-key login was made with, so revoking the key
ends its sessions

Existing sessions keep no key (they end as before: logout, expiry, deactivation).

Revision ID: 7c2e9a4b1d30
Revises: 3d1deda29266
Create Date: 2026-12-06 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2e9a4b1d30'
down_revision = '3d1deda29266'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('auth_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_auth_token_client_key_id'), ['client_key_id'], unique=False)


def downgrade():
    with op.batch_alter_table('auth_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_token_client_key_id'))
        batch_op.drop_column('client_key_id')
