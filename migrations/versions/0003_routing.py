"""routing: 利用登録, BCL seals, tax, 戸籍 and 附票, maintenance windows, wide-area opt-in

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-22 07:04:29.552292
"""

from alembic import op
import sqlalchemy as sa
import issuance.db


revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('issuance_use_registration',
    sa.Column('juminhyo_code', sa.String(length=11), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('requested_at', issuance.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('usable_from', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('juminhyo_code', 'municipality_code', name=op.f('pk_issuance_use_registration'))
    )
    op.create_table('municipalities_bcl_fuhyo',
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('juminhyo_code', sa.String(length=11), nullable=False),
    sa.Column('koseki_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.Column('pending_notifications', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('municipality_code', 'juminhyo_code', name=op.f('pk_municipalities_bcl_fuhyo'))
    )
    op.create_table('municipalities_bcl_koseki',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('honseki', sa.String(length=200), nullable=False),
    sa.Column('hittousha', sa.String(length=60), nullable=False),
    sa.Column('pending_notifications', sa.Boolean(), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipalities_bcl_koseki'))
    )
    with op.batch_alter_table('municipalities_bcl_koseki', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipalities_bcl_koseki_municipality_code'), ['municipality_code'], unique=False)

    op.create_table('municipalities_bcl_koseki_member',
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('juminhyo_code', sa.String(length=11), nullable=False),
    sa.Column('koseki_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('municipality_code', 'juminhyo_code', name=op.f('pk_municipalities_bcl_koseki_member'))
    )
    with op.batch_alter_table('municipalities_bcl_koseki_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipalities_bcl_koseki_member_koseki_id'), ['koseki_id'], unique=False)

    op.create_table('municipalities_bcl_seal',
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('juminhyo_code', sa.String(length=11), nullable=False),
    sa.Column('registration_number', sa.String(length=20), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('impression', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('municipality_code', 'juminhyo_code', name=op.f('pk_municipalities_bcl_seal'))
    )
    op.create_table('municipalities_bcl_tax',
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('juminhyo_code', sa.String(length=11), nullable=False),
    sa.Column('tax_year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('incomes', sa.JSON(), nullable=False),
    sa.Column('deductions', sa.JSON(), nullable=False),
    sa.Column('taxable_income', sa.Integer(), nullable=False),
    sa.Column('municipal_tax', sa.Integer(), nullable=False),
    sa.Column('prefectural_tax', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('municipality_code', 'juminhyo_code', 'tax_year', name=op.f('pk_municipalities_bcl_tax'))
    )
    op.create_table('municipalities_maintenance_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('starts_at', issuance.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', issuance.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipalities_maintenance_window'))
    )
    with op.batch_alter_table('municipalities_maintenance_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipalities_maintenance_window_municipality_code'), ['municipality_code'], unique=False)

    with op.batch_alter_table('municipalities_municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wide_area_tax', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('koseki_registration_days', sa.Integer(), nullable=False, server_default='2'))


def downgrade() -> None:
    with op.batch_alter_table('municipalities_municipality', schema=None) as batch_op:
        batch_op.drop_column('koseki_registration_days')
        batch_op.drop_column('wide_area_tax')

    op.drop_table('municipalities_maintenance_window')
    op.drop_table('municipalities_bcl_tax')
    op.drop_table('municipalities_bcl_seal')
    op.drop_table('municipalities_bcl_koseki_member')
    op.drop_table('municipalities_bcl_koseki')
    op.drop_table('municipalities_bcl_fuhyo')
    op.drop_table('issuance_use_registration')
