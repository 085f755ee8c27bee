"""BCL extracts uploaded from the portal: each upload, its import job's state and outcome

Not reference data (no trigger): kiosks never read it. The file's content is kept only until
its import job has run.

Revision ID: 0019_extract_uploads
Revises: 0018_centre_operations
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import issuance.db

revision = "0019_extract_uploads"
down_revision = "0018_centre_operations"
branch_labels = None
depends_on = None

TABLE = "municipalities_bcl_upload"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("finished_at", issuance.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("error_code", sa.String(length=40), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities_municipality.code"],
            name=op.f(
                "fk_municipalities_bcl_upload_municipality_code_municipalities_municipality"
            ),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_staff_account.id"],
            name=op.f("fk_municipalities_bcl_upload_account_id_portal_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities_bcl_upload")),
    )
    op.create_index(
        "ix_municipalities_bcl_upload_when", TABLE, ["municipality_code", "uploaded_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_municipalities_bcl_upload_when", table_name=TABLE)
    op.drop_table(TABLE)
