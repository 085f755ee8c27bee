"""register of issued documents for public verification

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa
import issuance.db

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issuance_issued_document",
        sa.Column("serial", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("key_id", sa.String(length=20), nullable=False),
        sa.Column("content_digest", sa.String(length=64), nullable=False),
        sa.Column("pdf_digest", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("pending", "issued", "void", name="documentstatus",
                                    native_enum=False, length=10), nullable=False),
        sa.Column("created_at", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_issuance_issued_document")),
    )


def downgrade() -> None:
    op.drop_table("issuance_issued_document")
