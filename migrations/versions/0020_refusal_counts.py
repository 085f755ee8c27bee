"""Refusals counted per municipality, JST day, certificate kind and refusal code (no resident)

Not reference data (no trigger): kiosks only add to it, the portal reads it.

Revision ID: 0020_refusal_counts
Revises: 0019_extract_uploads
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_refusal_counts"
down_revision = "0019_extract_uploads"
branch_labels = None
depends_on = None

TABLE = "issuance_refusal_count"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("certificate_kind", sa.String(length=20), nullable=False),
        sa.Column("refusal_code", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuance_refusal_count")),
        sa.UniqueConstraint(
            "day",
            "municipality_code",
            "certificate_kind",
            "refusal_code",
            name="uq_issuance_refusal_count_key",
        ),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
