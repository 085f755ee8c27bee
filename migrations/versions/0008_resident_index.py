"""The national resident index is fed by 異動 files, and disagreements raise alarms

issuance_applied_idou: each 異動 id applied by `kofu index apply` (the same file twice is a
no-op). issuance_out_of_sync_alarm: each refusal because a municipality's records disagreed
with the index (the portal lists them per municipality).

Revision ID: 0008_resident_index
Revises: 0007_reference_version
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa
import issuance.db

revision = "0008_resident_index"
down_revision = "0007_reference_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issuance_applied_idou",
        sa.Column("idou_id", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("juminhyo_code", sa.String(length=11), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("idou_date", sa.Date(), nullable=False),
        sa.Column("applied_at", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idou_id", name=op.f("pk_issuance_applied_idou")),
    )
    op.create_index(
        op.f("ix_issuance_applied_idou_juminhyo_code"),
        "issuance_applied_idou",
        ["juminhyo_code"],
        unique=False,
    )
    op.create_table(
        "issuance_out_of_sync_alarm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("certificate_kind", sa.String(length=20), nullable=False),
        sa.Column("failed_check", sa.String(length=40), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("request_id", sa.String(length=32), nullable=True),
        sa.Column("juminhyo_code", sa.String(length=11), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuance_out_of_sync_alarm")),
    )
    op.create_index(
        "ix_issuance_out_of_sync_alarm_municipality_at",
        "issuance_out_of_sync_alarm",
        ["municipality_code", "at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_issuance_out_of_sync_alarm_municipality_at", table_name="issuance_out_of_sync_alarm"
    )
    op.drop_table("issuance_out_of_sync_alarm")
    op.drop_index(
        op.f("ix_issuance_applied_idou_juminhyo_code"), table_name="issuance_applied_idou"
    )
    op.drop_table("issuance_applied_idou")
