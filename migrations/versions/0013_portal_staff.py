"""The portal's staff accounts (role and tenant checked by the database) and audit trail

Revision ID: 0013_portal_staff
Revises: 0012_print_settlement
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import issuance.db
from issuance.staff.model import TENANT_RULE

revision = "0013_portal_staff"
down_revision = "0012_print_settlement"
branch_labels = None
depends_on = None

ROLES = ("municipal_admin", "municipal_viewer", "centre_operator", "kiosk_operator")


def upgrade() -> None:
    op.create_table(
        "portal_staff_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("session_digest", sa.String(length=64), nullable=True),
        sa.Column("role", sa.Enum(*ROLES, name="role", native_enum=False, length=24), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.Column("kiosk_operator_id", sa.String(length=32), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", issuance.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("removed_at", issuance.db.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(TENANT_RULE, name=op.f("ck_portal_staff_account_tenant_matches_role")),
        sa.ForeignKeyConstraint(
            ["kiosk_operator_id"], ["issuance_kiosk_operator.id"],
            name=op.f("fk_portal_staff_account_kiosk_operator_id_issuance_kiosk_operator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_staff_account")),
        sa.UniqueConstraint("login", name=op.f("uq_portal_staff_account_login")),
    )
    op.create_index(
        op.f("ix_portal_staff_account_municipality_code"), "portal_staff_account",
        ["municipality_code"],
    )
    op.create_index(
        op.f("ix_portal_staff_account_kiosk_operator_id"), "portal_staff_account",
        ["kiosk_operator_id"],
    )
    op.create_table(
        "portal_audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_kind", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.String(length=254), nullable=False),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["portal_staff_account.id"],
            name=op.f("fk_portal_audit_entry_account_id_portal_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_audit_entry")),
    )
    op.create_index(op.f("ix_portal_audit_entry_at"), "portal_audit_entry", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_portal_audit_entry_at"), table_name="portal_audit_entry")
    op.drop_table("portal_audit_entry")
    op.drop_index(op.f("ix_portal_staff_account_kiosk_operator_id"), table_name="portal_staff_account")
    op.drop_index(op.f("ix_portal_staff_account_municipality_code"), table_name="portal_staff_account")
    op.drop_table("portal_staff_account")
