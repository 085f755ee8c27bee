"""one history again

Revision ID: 0005
Revises: 0002, 0003, 0004
Create Date: 2026-11-22 07:25:39.799628
"""

from alembic import op
import sqlalchemy as sa
import issuance.db


revision = '0005'
down_revision = ('0002', '0003', '0004')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
