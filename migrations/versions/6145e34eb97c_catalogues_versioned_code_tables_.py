"""catalogues: versioned code tables, imports; a registration number under several enterprises

Revision ID: 6145e34eb97c
Revises: 0f22719c9a79
Create Date: 2026-12-06 03:15:48.973271

"""
from alembic import op
import sqlalchemy as sa

import backend.core.models


# revision identifiers, used by Alembic.
revision = '6145e34eb97c'
down_revision = '0f22719c9a79'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalog_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_code', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=600), nullable=False),
    sa.Column('name_key', sa.String(length=600), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('from_version', sa.Integer(), nullable=False),
    sa.Column('to_version', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_entry'))
    )
    with op.batch_alter_table('catalog_entry', schema=None) as batch_op:
        batch_op.create_index('ix_catalog_entry_code', ['table_code', 'code'], unique=False, postgresql_ops={'table_code': 'text_pattern_ops', 'code': 'text_pattern_ops'})
        batch_op.create_index('ix_catalog_entry_name_key', ['table_code', 'name_key'], unique=False, postgresql_ops={'table_code': 'text_pattern_ops', 'name_key': 'text_pattern_ops'})
        batch_op.create_index('ix_catalog_entry_name_zh', ['table_code', 'name_zh'], unique=False, postgresql_ops={'table_code': 'text_pattern_ops', 'name_zh': 'text_pattern_ops'})

    op.create_table('catalog_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_code', sa.String(length=40), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('diff', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('district_code', sa.String(length=10), nullable=True),
    sa.Column('created_at', backend.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('applied_version', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_catalog_import_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_import'))
    )
    op.create_table('catalog_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_code', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Integer(), nullable=False),
    sa.Column('applied_by', sa.Integer(), nullable=True),
    sa.Column('applied_at', backend.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_version')),
    sa.UniqueConstraint('table_code', 'number', name='uq_catalog_version_number')
    )
    with op.batch_alter_table('qualification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_qualification_type_number'), type_='unique')
        batch_op.create_index('ix_qualification_type_number', ['type_code', 'number'], unique=False)
        batch_op.create_unique_constraint('uq_qualification_enterprise_type_number', ['enterprise_id', 'type_code', 'number'])



def downgrade():
    with op.batch_alter_table('qualification', schema=None) as batch_op:
        batch_op.drop_constraint('uq_qualification_enterprise_type_number', type_='unique')
        batch_op.drop_index('ix_qualification_type_number')
        batch_op.create_unique_constraint(batch_op.f('uq_qualification_type_number'), ['type_code', 'number'])

    op.drop_table('catalog_version')
    op.drop_table('catalog_import')
    with op.batch_alter_table('catalog_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_catalog_entry_name_zh', postgresql_ops={'table_code': 'text_pattern_ops', 'name_zh': 'text_pattern_ops'})
        batch_op.drop_index('ix_catalog_entry_name_key', postgresql_ops={'table_code': 'text_pattern_ops', 'name_key': 'text_pattern_ops'})
        batch_op.drop_index('ix_catalog_entry_code', postgresql_ops={'table_code': 'text_pattern_ops', 'code': 'text_pattern_ops'})

    op.drop_table('catalog_entry')
