"""Kiosk PIN reset: reservations (valid 24 hours, used once) and their audit (no personal data)

Revision ID: 0025_pin_reset_reservations
Revises: 0021_partial_offering_changes
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_pin_reset_reservations"
down_revision = "0021_partial_offering_changes"
branch_labels = None
depends_on = None

RESERVATION = "issuance_pin_reset_reservation"
AUDIT = "issuance_pin_reset_audit"


def upgrade() -> None:
    op.create_table(
        RESERVATION,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("certificate_serial", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_by_kiosk", sa.String(length=32), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_kiosk", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuance_pin_reset_reservation")),
    )
    op.create_index(
        op.f("ix_issuance_pin_reset_reservation_certificate_serial"),
        RESERVATION,
        ["certificate_serial"],
    )
    op.create_table(
        AUDIT,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("reservation_id", sa.String(length=32), nullable=True),
        sa.Column("kiosk_id", sa.String(length=32), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("tries_left", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuance_pin_reset_audit")),
    )
    op.create_index(op.f("ix_issuance_pin_reset_audit_at"), AUDIT, ["at"])


def downgrade() -> None:
    op.drop_table(AUDIT)
    op.drop_table(RESERVATION)
