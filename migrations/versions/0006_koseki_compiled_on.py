"""戸籍事項: 編製日 and 改製日 of each 戸籍

Revision ID: 0006_koseki_compiled_on
Revises: 0005
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa

revision = "0006_koseki_compiled_on"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipalities_bcl_koseki", schema=None) as batch_op:
        batch_op.add_column(sa.Column("compiled_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("remade_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("municipalities_bcl_koseki", schema=None) as batch_op:
        batch_op.drop_column("remade_on")
        batch_op.drop_column("compiled_on")
